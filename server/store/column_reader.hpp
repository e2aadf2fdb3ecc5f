#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/raw_statement.hpp"

namespace hd::store {

/// Reads the current row of a statement column after column. For rows read by the thousand (a
/// ticket page reads about 60 columns a ticket): SQLiteCpp's getColumn builds a Column holding a
/// shared_ptr to the statement, and making and dropping them was 8% of the ticket list's CPU.
class ColumnReader {
 public:
  explicit ColumnReader(const RawStatement& row) : row_(row) {}

  std::int64_t int64() { return row_.int64(next_++); }
  int integer() { return static_cast<int>(int64()); }
  bool flag() { return int64() != 0; }
  /// NULL reads as empty text.
  std::string text() { return row_.text(next_++); }
  /// Valid until the statement moves on (RawStatement::text_view).
  std::string_view text_view() { return row_.text_view(next_++); }
  std::optional<std::int64_t> optional_int64() {
    if (row_.is_null(next_)) {
      ++next_;
      return std::nullopt;
    }
    return int64();
  }
  std::optional<std::string> optional_text() {
    if (row_.is_null(next_)) {
      ++next_;
      return std::nullopt;
    }
    return text();
  }

 private:
  const RawStatement& row_;
  int next_ = 0;
};

}  // namespace hd::store
