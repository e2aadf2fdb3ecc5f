// Fuzzes the query string of the ticket list and its search: the input is the query string
// (`?...`), read by api::QueryInput as tickets_api reads it. A refusal must be a 4xx; a search
// text it lets through is turned into an FTS5 query by store::fts_phrase_query and run against a
// full-text table made like the real one (schema/0001_initial.sql). That query must run, never
// fail as FTS5 syntax, and plain words must find the ticket that holds exactly them.
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "api/query_input.hpp"
#include "http/problem.hpp"
#include "store/sql_values.hpp"

namespace {

SQLite::Database& database() {
  static SQLite::Database* db = [] {
    auto* d = new SQLite::Database(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    d->exec("CREATE VIRTUAL TABLE ticket_search USING fts5(body, tokenize = 'unicode61')");
    d->exec(
        "INSERT INTO ticket_search(rowid, body) VALUES (1, 'printer on fire'), "
        "(2, 'the VPN drops every hour'), (3, 'Grüße aus Köln, naïve café')");
    return d;
  }();
  return *db;
}

bool plain_words(std::string_view text) {
  return std::all_of(
             text.begin(), text.end(),
             [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == ' '; }) &&
         text.find_first_not_of(' ') != std::string_view::npos;
}

/// The search text of `query_string` as tickets_api accepts it; nothing when there is none.
/// Throws http::Problem for what the API refuses.
std::optional<std::string> accepted_search(std::string_view query_string) {
  const std::string target = "/api/v1/tickets?" + std::string(query_string);
  const auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;  // the router answers 400 before any handler
  hd::api::QueryInput in(*url);
  (void)in.all("status");
  (void)in.integer("limit", 1, 200);
  (void)in.text("tag", 64);
  (void)in.time("created_after");
  (void)in.time("updated_before");
  std::optional<std::string> text = in.text("q", 200);
  if (text && text->find_first_not_of(" \t\n") == std::string::npos) {
    in.fail("q", "must have 1 to 200 characters of text");
    text.reset();
  }
  in.finish();
  return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::optional<std::string> accepted;
  try {
    accepted = accepted_search({reinterpret_cast<const char*>(data), size});
  } catch (const hd::http::Problem& problem) {
    if (problem.status < 400 || problem.status >= 500) {
      std::fprintf(stderr, "refused with %u\n", problem.status);
      std::abort();
    }
    return 0;
  }
  if (!accepted) return 0;
  const std::string& text = *accepted;
  const std::string query = hd::store::fts_phrase_query(text);
  if (query.empty()) {
    std::fprintf(stderr, "'%s' was accepted as a search but makes no query\n", text.c_str());
    std::abort();
  }
  auto& db = database();
  try {
    SQLite::Transaction transaction(db);  // the probe row never stays
    SQLite::Statement insert(db, "INSERT INTO ticket_search(rowid, body) VALUES (99, ?)");
    insert.bind(1, text);
    insert.exec();
    SQLite::Statement search(db, "SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?");
    search.bind(1, query);
    bool found = false;
    while (search.executeStep()) found = found || search.getColumn(0).getInt64() == 99;
    if (plain_words(text) && !found) {
      std::fprintf(stderr, "'%s' (query %s) did not find the ticket that says exactly that\n",
                   text.c_str(), query.c_str());
      std::abort();
    }
  } catch (const SQLite::Exception& e) {
    std::fprintf(stderr, "the search for '%s' (query %s) failed: %s\n", text.c_str(), query.c_str(),
                 e.what());
    std::abort();
  }
  return 0;
}
