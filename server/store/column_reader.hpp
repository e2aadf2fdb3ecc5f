#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>

#include "store/raw_statement.hpp"

namespace hd::store {

/// Reads the current row of a statement column after column. For rows read by the thousand (a
/// ticket page reads about 60 columns a ticket): SQLiteCpp's getColumn builds a Column holding a
/// shared_ptr to the statement, and making and dropping them was 8% of the ticket list's CPU.
class ColumnReader {
 public:
  explicit ColumnReader(const RawStatement& row) : row_(row.handle()) {}

  std::int64_t int64() { return sqlite3_column_int64(row_, next_++); }
  int integer() { return sqlite3_column_int(row_, next_++); }
  bool flag() { return integer() != 0; }
  /// NULL reads as empty text.
  std::string text() {
    const int column = next_++;
    const auto* bytes = sqlite3_column_text(row_, column);
    return bytes ? std::string(reinterpret_cast<const char*>(bytes),
                               static_cast<std::size_t>(sqlite3_column_bytes(row_, column)))
                 : std::string();
  }
  std::optional<std::int64_t> optional_int64() {
    if (sqlite3_column_type(row_, next_) == SQLITE_NULL) {
      ++next_;
      return std::nullopt;
    }
    return int64();
  }
  std::optional<std::string> optional_text() {
    if (sqlite3_column_type(row_, next_) == SQLITE_NULL) {
      ++next_;
      return std::nullopt;
    }
    return text();
  }

 private:
  sqlite3_stmt* row_;
  int next_ = 0;
};

}  // namespace hd::store
