#pragma once

#include <boost/json/serializer.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hd::api {

/// Writes JSON text straight into a string, member by member. For the answers served most (a
/// page of tickets): building a boost::json tree first and serialising it was a quarter of such
/// a request. Strings are escaped by Boost.JSON's serializer; commas are placed here.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  /// The name of the next member (a name of this codebase: plain ASCII, nothing to escape).
  void key(std::string_view name);

  void string(std::string_view text);
  /// Text that needs no escaping, quoted as it is: only for what this codebase writes (an enum's
  /// name, a formatted time), never for anything a user or the database gave.
  void plain_string(std::string_view text);
  void number(std::int64_t n);
  void boolean(bool b);
  void null();
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
  void open(char bracket);
  void close(char bracket);
  void separate();
  /// Appends what escaper_ has to write.
  void drain();

  std::string& out_;
  bool comma_due_ = false;
  boost::json::serializer escaper_;
};

}  // namespace hd::api
