#include "api/json_writer.hpp"

#include <boost/json/value.hpp>
#include <charconv>

namespace hd::api {

void JsonWriter::separate() {
  if (comma_due_) out_ += ',';
  comma_due_ = true;
}

void JsonWriter::open(char bracket) {
  separate();
  out_ += bracket;
  comma_due_ = false;
}

void JsonWriter::close(char bracket) {
  out_ += bracket;
  comma_due_ = true;
}

void JsonWriter::key(std::string_view name) {
  separate();
  ((out_ += '"') += name) += "\":";
  comma_due_ = false;
}

void JsonWriter::string(std::string_view text) {
  separate();
  escaper_.reset(boost::json::string_view(text.data(), text.size()));
  drain();
}

void JsonWriter::plain_string(std::string_view text) {
  separate();
  ((out_ += '"') += text) += '"';
}

void JsonWriter::real(double d) {
  separate();
  const boost::json::value value(d);
  escaper_.reset(&value);
  drain();
}

void JsonWriter::drain() {
  // Through a buffer on the stack: growing the answer by a guess first zero-filled the room.
  char chunk[512];
  while (!escaper_.done()) {
    const auto written = escaper_.read(chunk, sizeof chunk);
    out_.append(written.data(), written.size());
  }
}

void JsonWriter::number(std::int64_t n) {
  separate();
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof digits, n).ptr;
  out_.append(digits, end);
}

void JsonWriter::boolean(bool b) {
  separate();
  out_ += b ? "true" : "false";
}

void JsonWriter::null() {
  separate();
  out_ += "null";
}

}  // namespace hd::api
