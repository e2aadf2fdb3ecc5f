#include "store/raw_statement.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <stdexcept>

namespace hd::store {

RawStatement::RawStatement(Connection& db, std::string_view sql) : db_(db) {
  const int rc = sqlite3_prepare_v2(db_.db_.getHandle(), sql.data(), static_cast<int>(sql.size()),
                                    &statement_, nullptr);
  if (rc != SQLITE_OK) throw SQLite::Exception(db_.db_.getHandle(), rc);
}

RawStatement::~RawStatement() {
  sqlite3_finalize(statement_);
}

int RawStatement::index_of(const char* name) const {
  const int index = sqlite3_bind_parameter_index(statement_, name);
  if (index == 0) throw std::logic_error(std::string("no SQL parameter ") + name);
  return index;
}

void RawStatement::bind(const char* name, std::int64_t value) {
  sqlite3_bind_int64(statement_, index_of(name), value);
}

void RawStatement::bind(const char* name, const std::string& text) {
  sqlite3_bind_text(statement_, index_of(name), text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

void RawStatement::bind_null(const char* name) {
  sqlite3_bind_null(statement_, index_of(name));
}

void RawStatement::bind_at(int index, std::int64_t value) {
  sqlite3_bind_int64(statement_, index, value);
}

void RawStatement::reset() {
  sqlite3_reset(statement_);  // its code repeats the last step's error, thrown already
  sqlite3_clear_bindings(statement_);
}

bool RawStatement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SQLite::Exception(db_.db_.getHandle(), rc);
}

}  // namespace hd::store
