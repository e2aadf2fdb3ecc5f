#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/connection.hpp"

namespace hd::store {

/// A statement read through SQLite's C API, for scans of many rows: SQLiteCpp builds a Column
/// object per value read (a shared_ptr copy each). Prepared per use and finalized on destruction,
/// or cached by its connection (Connection::raw); used by one thread, like its connection.
/// REQUIRES: `sql` is a named constant of store/ (never built from input).
class RawStatement {
 public:
  RawStatement(Connection& db, std::string_view sql);
  ~RawStatement();
  RawStatement(const RawStatement&) = delete;
  RawStatement& operator=(const RawStatement&) = delete;

  /// Binds by parameter name (":name"); a name the statement lacks is a programming error.
  void bind(const char* name, std::int64_t value);
  void bind(const char* name, const std::string& text);
  void bind_null(const char* name);
  template <class T>
  void bind(const char* name, const std::optional<T>& value) {
    if (value)
      bind(name, *value);
    else
      bind_null(name);
  }
  /// Binds the `index`th parameter (from 1), for statements with `?` placeholders.
  void bind_at(int index, std::int64_t value);

  /// Back to before the first step, with every parameter unbound (NULL).
  void reset();

  /// The next row; false when there is none. Throws SQLite::Exception on an error.
  bool step();

  // Inline: a page of tickets reads thousands of values (ColumnReader).
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }
  std::int64_t int64(int column) const { return sqlite3_column_int64(statement_, column); }
  /// NULL reads as empty text.
  std::string text(int column) const { return std::string(text_view(column)); }
  /// The text in SQLite's own buffer: valid until the next step or reset. NULL reads as empty.
  std::string_view text_view(int column) const {
    const auto* bytes = sqlite3_column_text(statement_, column);
    return bytes ? std::string_view(
                       reinterpret_cast<const char*>(bytes),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                 : std::string_view();
  }

 private:
  int index_of(const char* name) const;

  Connection& db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace hd::store
