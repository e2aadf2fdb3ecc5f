#include "api/json_writer.hpp"

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
  while (!escaper_.done()) {
    // Room for the text and its quotes; escapes that need more take another turn.
    const std::size_t at = out_.size();
    out_.resize(at + text.size() + 16);
    const auto written = escaper_.read(out_.data() + at, out_.size() - at);
    out_.resize(at + written.size());
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
