#pragma once

#include <boost/json/serializer.hpp>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace hd::api {

/// Writes JSON text member by member into a buffer it owns, taken with take() when done. For the
/// answers served most (a page of tickets): building a boost::json tree first and serialising it
/// was a quarter of such a request, and appending to a std::string piece by piece (a size check
/// and a copy call for each quote, name and colon) still a sixth. So the writer keeps its own
/// cursor into room it grows by doubling, and small pieces are stored straight at the cursor.
/// Strings are escaped by Boost.JSON's serializer; commas are placed here.
class JsonWriter {
 public:
  explicit JsonWriter(std::size_t expected_size = 256);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  /// The text written so far; the writer is empty afterwards.
  std::string take();

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// The name of the next member (a name of this codebase: plain ASCII, nothing to escape).
  void key(std::string_view name) {
    char* at = separated(name.size() + 3);
    *at++ = '"';
    std::memcpy(at, name.data(), name.size());
    at += name.size();
    *at++ = '"';
    *at++ = ':';
    at_ = at;
    comma_due_ = false;
  }

  void string(std::string_view text);
  /// Text that needs no escaping, quoted as it is: only for what this codebase writes (an enum's
  /// name, a formatted time), never for anything a user or the database gave.
  void plain_string(std::string_view text) {
    char* at = separated(text.size() + 2);
    *at++ = '"';
    std::memcpy(at, text.data(), text.size());
    at += text.size();
    *at++ = '"';
    at_ = at;
  }
  void number(std::int64_t n);
  void boolean(bool b) { b ? literal("true") : literal("false"); }
  void null() { literal("null"); }
  void number(const std::optional<std::int64_t>& n) { n ? number(*n) : null(); }
  /// A double in Boost.JSON's own format (e.g. 8.62E1), as a serialised tree would have it.
  void real(double d);
  void real(const std::optional<double>& d) { d ? real(*d) : null(); }

  // A member: its name (as key() takes it), then its value.
  void string(std::string_view name, std::string_view text) {
    key(name);
    string(text);
  }
  void number(std::string_view name, std::int64_t n) {
    key(name);
    number(n);
  }
  void number(std::string_view name, const std::optional<std::int64_t>& n) {
    key(name);
    number(n);
  }
  void boolean(std::string_view name, bool b) {
    key(name);
    boolean(b);
  }
  void real(std::string_view name, const std::optional<double>& d) {
    key(name);
    real(d);
  }

 private:
  /// Room for `size` more bytes at the cursor, after the comma a value or member is due.
  char* separated(std::size_t size) {
    if (static_cast<std::size_t>(end_ - at_) < size + 1) grow(size + 1);
    if (comma_due_) *at_++ = ',';
    comma_due_ = true;
    return at_;
  }
  void literal(std::string_view word) {
    char* at = separated(word.size());
    std::memcpy(at, word.data(), word.size());
    at_ = at + word.size();
  }
  void open(char bracket) {
    *separated(1) = bracket;
    ++at_;
    comma_due_ = false;
  }
  void close(char bracket) {
    if (at_ == end_) grow(1);
    *at_++ = bracket;
    comma_due_ = true;
  }
  /// Makes room for at least `size` more bytes at the cursor.
  void grow(std::size_t size);
  /// Writes what escaper_ has to write at the cursor.
  void drain();

  std::string text_;  ///< written up to at_; what follows is room
  char* at_;
  char* end_;
  bool comma_due_ = false;
  boost::json::serializer escaper_;
};

}  // namespace hd::api
