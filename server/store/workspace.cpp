#include "store/workspace.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <boost/json.hpp>

#include "domain/refusal.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace json = boost::json;
using domain::errc;
using domain::Refusal;

namespace {

// "Open" views hold the tickets someone still has to work: open and pending.
constexpr const char* kCountViews =
    "SELECT "
    "(SELECT COUNT(*) FROM tickets WHERE assignee_id = :user AND status IN ('open', 'pending')), "
    "(SELECT COUNT(*) FROM tickets WHERE assignee_id IS NULL AND status IN ('open', 'pending')), "
    "(SELECT COUNT(*) FROM tickets WHERE team_id = :team AND status IN ('open', 'pending')), "
    "(SELECT COUNT(*) FROM tickets WHERE status = 'pending'), "
    "(SELECT COUNT(*) FROM tickets WHERE status = 'open'), "
    "(SELECT COUNT(*) FROM tickets WHERE updated_at >= :since)";

constexpr const char* kListViews =
    "SELECT id, user_id, name, query, created_at, updated_at FROM saved_views "
    "WHERE user_id = ? ORDER BY name, id";
constexpr const char* kFindView =
    "SELECT id, user_id, name, query, created_at, updated_at FROM saved_views "
    "WHERE id = ? AND user_id = ?";
constexpr const char* kCountUserViews = "SELECT COUNT(*) FROM saved_views WHERE user_id = ?";
constexpr const char* kInsertView =
    "INSERT INTO saved_views(user_id, name, query, created_at, updated_at) VALUES (?, ?, ?, ?, ?)";
constexpr const char* kUpdateView =
    "UPDATE saved_views SET name = ?, query = ?, updated_at = ? WHERE id = ? AND user_id = ?";
constexpr const char* kDeleteView = "DELETE FROM saved_views WHERE id = ? AND user_id = ?";

constexpr const char* kListCanned =
    "SELECT id, title, body, status, priority, add_tags, created_at, updated_at "
    "FROM canned_responses ORDER BY title, id";
constexpr const char* kFindCanned =
    "SELECT id, title, body, status, priority, add_tags, created_at, updated_at "
    "FROM canned_responses WHERE id = ?";
constexpr const char* kInsertCanned =
    "INSERT INTO canned_responses(title, body, status, priority, add_tags, created_at, "
    "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdateCanned =
    "UPDATE canned_responses SET title = ?, body = ?, status = ?, priority = ?, add_tags = ?, "
    "updated_at = ? WHERE id = ?";
constexpr const char* kDeleteCanned = "DELETE FROM canned_responses WHERE id = ?";

constexpr const char* kSatisfactionSummary =
    "SELECT COUNT(*), AVG(csat), COALESCE(SUM(resolved = 0), 0) FROM surveys "
    "WHERE customer_id = ? AND state = 'answered'";
constexpr const char* kSatisfactionItems =
    "SELECT s.ticket_id, t.subject, s.csat, s.resolved, COALESCE(s.comment, ''), s.answered_at "
    "FROM surveys s JOIN tickets t ON t.id = s.ticket_id "
    "WHERE s.customer_id = ? AND s.state = 'answered' "
    "ORDER BY s.answered_at DESC, s.id DESC LIMIT 20";

void exec_unique(SQLite::Statement& s, const std::string& what, const char* field) {
  try {
    s.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw Refusal(errc::conflict, what + " already exists.", field);
    throw;
  }
}

SavedView read_view(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),  s.getColumn(1).getInt64(), s.getColumn(2).getString(),
          s.getColumn(3).getString(), s.getColumn(4).getInt64(), s.getColumn(5).getInt64()};
}

std::optional<SavedView> find_view(Connection& db, Id user_id, Id id) {
  auto& s = db.statement(kFindView);
  s.bind(1, id);
  s.bind(2, user_id);
  if (!s.executeStep()) return std::nullopt;
  return read_view(s);
}

[[noreturn]] void no_view(Id id) {
  throw Refusal(errc::not_found, "Saved view " + std::to_string(id) + " does not exist.");
}

CannedResponse read_canned(SQLite::Statement& s) {
  CannedResponse c;
  c.id = s.getColumn(0).getInt64();
  c.title = s.getColumn(1).getString();
  c.body = s.getColumn(2).getString();
  if (!s.getColumn(3).isNull()) c.status = domain::parse_status(s.getColumn(3).getString());
  if (!s.getColumn(4).isNull()) c.priority = domain::parse_priority(s.getColumn(4).getString());
  const json::value tags = json::parse(s.getColumn(5).getString());
  for (const auto& tag : tags.as_array()) c.add_tags.emplace_back(tag.as_string());
  c.created_at = s.getColumn(6).getInt64();
  c.updated_at = s.getColumn(7).getInt64();
  return c;
}

std::optional<CannedResponse> find_canned(Connection& db, Id id) {
  auto& s = db.statement(kFindCanned);
  s.bind(1, id);
  if (!s.executeStep()) return std::nullopt;
  return read_canned(s);
}

// Binds title, body, status, priority and add_tags at 1..5.
void bind_canned(SQLite::Statement& s, const CannedResponse& c) {
  s.bind(1, c.title);
  s.bind(2, c.body);
  if (c.status)
    bind_text(s, 3, domain::to_string(*c.status));
  else
    s.bind(3);
  if (c.priority)
    bind_text(s, 4, domain::to_string(*c.priority));
  else
    s.bind(4);
  s.bind(5, json::serialize(json::array(c.add_tags.begin(), c.add_tags.end())));
}

}  // namespace

ViewCounts count_views(Connection& db, Id user_id, std::optional<Id> team_id,
                       Millis updated_since) {
  auto& s = db.statement(kCountViews);
  s.bind(":user", user_id);
  bind_optional(s, ":team", team_id);
  s.bind(":since", updated_since);
  s.executeStep();
  return {s.getColumn(0).getInt64(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
          s.getColumn(3).getInt64(), s.getColumn(4).getInt64(), s.getColumn(5).getInt64()};
}

std::vector<SavedView> list_saved_views(Connection& db, Id user_id) {
  auto& s = db.statement(kListViews);
  s.bind(1, user_id);
  std::vector<SavedView> views;
  while (s.executeStep()) views.push_back(read_view(s));
  return views;
}

SavedView create_saved_view(Tx& tx, Id user_id, const std::string& name, const std::string& query,
                            Millis now) {
  auto& db = tx.connection();
  auto& count = db.statement(kCountUserViews);
  count.bind(1, user_id);
  count.executeStep();
  if (count.getColumn(0).getInt64() >= kMaxSavedViews)
    throw Refusal(errc::invalid_argument,
                  "You have " + std::to_string(kMaxSavedViews) +
                      " saved views, the most there can be; delete one first.",
                  "name");
  auto& s = db.statement(kInsertView);
  s.bind(1, user_id);
  s.bind(2, name);
  s.bind(3, query);
  s.bind(4, now);
  s.bind(5, now);
  exec_unique(s, "A saved view named '" + name + "'", "name");
  return {db.last_insert_id(), user_id, name, query, now, now};
}

SavedView update_saved_view(Tx& tx, Id user_id, Id id, const std::optional<std::string>& name,
                            const std::optional<std::string>& query, Millis now) {
  auto view = find_view(tx.connection(), user_id, id);
  if (!view) no_view(id);
  if (name) view->name = *name;
  if (query) view->query = *query;
  view->updated_at = now;
  auto& s = tx.connection().statement(kUpdateView);
  s.bind(1, view->name);
  s.bind(2, view->query);
  s.bind(3, now);
  s.bind(4, id);
  s.bind(5, user_id);
  exec_unique(s, "A saved view named '" + view->name + "'", "name");
  return *view;
}

void delete_saved_view(Tx& tx, Id user_id, Id id) {
  auto& s = tx.connection().statement(kDeleteView);
  s.bind(1, id);
  s.bind(2, user_id);
  if (s.exec() == 0) no_view(id);
}

std::vector<CannedResponse> list_canned_responses(Connection& db) {
  auto& s = db.statement(kListCanned);
  std::vector<CannedResponse> items;
  while (s.executeStep()) items.push_back(read_canned(s));
  return items;
}

CannedResponse create_canned_response(Tx& tx, const CannedResponse& canned, Millis now) {
  auto& s = tx.connection().statement(kInsertCanned);
  bind_canned(s, canned);
  s.bind(6, now);
  s.bind(7, now);
  exec_unique(s, "A canned response titled '" + canned.title + "'", "title");
  CannedResponse created = canned;
  created.id = tx.connection().last_insert_id();
  created.created_at = created.updated_at = now;
  return created;
}

CannedResponse update_canned_response(Tx& tx, Id id, const CannedChange& change, Millis now) {
  auto canned = find_canned(tx.connection(), id);
  if (!canned)
    throw Refusal(errc::not_found, "Canned response " + std::to_string(id) + " does not exist.");
  if (change.title) canned->title = *change.title;
  if (change.body) canned->body = *change.body;
  if (change.status) canned->status = *change.status;
  if (change.priority) canned->priority = *change.priority;
  if (change.add_tags) canned->add_tags = *change.add_tags;
  canned->updated_at = now;
  auto& s = tx.connection().statement(kUpdateCanned);
  bind_canned(s, *canned);
  s.bind(6, now);
  s.bind(7, id);
  exec_unique(s, "A canned response titled '" + canned->title + "'", "title");
  return *canned;
}

void delete_canned_response(Tx& tx, Id id) {
  auto& s = tx.connection().statement(kDeleteCanned);
  s.bind(1, id);
  if (s.exec() == 0)
    throw Refusal(errc::not_found, "Canned response " + std::to_string(id) + " does not exist.");
}

CustomerSatisfaction customer_satisfaction(Connection& db, Id customer_id) {
  CustomerSatisfaction result;
  auto& summary = db.statement(kSatisfactionSummary);
  summary.bind(1, customer_id);
  summary.executeStep();
  result.answered = summary.getColumn(0).getInt64();
  if (!summary.getColumn(1).isNull()) result.average_csat = summary.getColumn(1).getDouble();
  result.unresolved = summary.getColumn(2).getInt64();
  auto& items = db.statement(kSatisfactionItems);
  items.bind(1, customer_id);
  while (items.executeStep())
    result.items.push_back({items.getColumn(0).getInt64(), items.getColumn(1).getString(),
                            items.getColumn(2).getInt(), items.getColumn(3).getInt() != 0,
                            items.getColumn(4).getString(), items.getColumn(5).getInt64()});
  return result;
}

}  // namespace hd::store
