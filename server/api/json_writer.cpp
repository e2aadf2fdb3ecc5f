#include "api/json_writer.hpp"

#include <algorithm>
#include <boost/json/value.hpp>
#include <charconv>

namespace hd::api {

JsonWriter::JsonWriter(std::size_t expected_size) {
  text_.resize(std::max<std::size_t>(expected_size, 64));
  at_ = text_.data();
  end_ = at_ + text_.size();
}

std::string JsonWriter::take() {
  text_.resize(static_cast<std::size_t>(at_ - text_.data()));
  std::string taken = std::move(text_);
  text_.clear();
  at_ = text_.data();
  end_ = at_ + text_.size();
  comma_due_ = false;
  return taken;
}

void JsonWriter::grow(std::size_t size) {
  const auto used = static_cast<std::size_t>(at_ - text_.data());
  text_.resize(std::max(text_.size() * 2, used + size));
  at_ = text_.data() + used;
  end_ = text_.data() + text_.size();
}

void JsonWriter::string(std::string_view text) {
  separated(0);
  escaper_.reset(boost::json::string_view(text.data(), text.size()));
  drain();
}

void JsonWriter::real(double d) {
  separated(0);
  const boost::json::value value(d);
  escaper_.reset(&value);
  drain();
}

void JsonWriter::drain() {
  // The serializer writes as much as fits; the room doubles until all of it did.
  for (;;) {
    if (at_ == end_) grow(64);
    const auto written = escaper_.read(at_, static_cast<std::size_t>(end_ - at_));
    at_ += written.size();
    if (escaper_.done()) return;
  }
}

void JsonWriter::number(std::int64_t n) {
  char* at = separated(20);  // the digits of INT64_MIN with its sign
  at_ = std::to_chars(at, at + 20, n).ptr;
}

}  // namespace hd::api
