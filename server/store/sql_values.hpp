#pragma once

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include <optional>
#include <string>
#include <string_view>

namespace hd::store {

/// NULL-aware helpers between SQLite values and std::optional; used only inside store/.

inline std::optional<std::int64_t> optional_id(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getInt64();
}

template <class Key>
void bind_text(SQLite::Statement& s, Key index, std::string_view text) {
  s.bind(index, std::string(text));
}

/// Binds bytes (a secret's hash) as a BLOB.
inline void bind_blob(SQLite::Statement& s, int index, const std::string& bytes) {
  s.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

template <class Key, class T>
void bind_optional(SQLite::Statement& s, Key key, const std::optional<T>& value) {
  if (value)
    s.bind(key, *value);
  else
    s.bind(key);
}

/// Turns free text into an FTS5 query of quoted terms (empty for blank text: no query), so that
/// user input is always matched as words and never parsed as FTS5 syntax.
inline std::string fts_phrase_query(std::string_view text) {
  std::string query, term;
  auto flush = [&] {
    if (term.empty()) return;
    if (!query.empty()) query += ' ';
    query += '"' + term + '"';
    term.clear();
  };
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      flush();
    } else {
      if (c == '"') term += '"';  // a double quote inside a string is doubled
      term += c;
    }
  }
  flush();
  return query;
}

}  // namespace hd::store
