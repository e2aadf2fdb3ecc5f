#include "store/kudos.hpp"

#include <SQLiteCpp/Statement.h>

#include "domain/refusal.hpp"
#include "store/people.hpp"
#include "store/sql_values.hpp"
#include "store/tickets.hpp"

namespace hd::store::kudos {
using domain::errc;
using domain::Refusal;

namespace {

constexpr const char* kInsert =
    "INSERT INTO kudos(agent_id, from_user_id, ticket_id, message, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
#define HD_KUDOS_SELECT                                                                       \
  "SELECT k.id, k.agent_id, COALESCE(a.name, ''), k.from_user_id, COALESCE(f.name, ''), "     \
  "k.ticket_id, k.message, k.created_at FROM kudos k LEFT JOIN users a ON a.id = k.agent_id " \
  "LEFT JOIN users f ON f.id = k.from_user_id "
constexpr const char* kFind = HD_KUDOS_SELECT "WHERE k.id = ?";
constexpr const char* kList = HD_KUDOS_SELECT
    "WHERE (:agent IS NULL OR k.agent_id = :agent) AND (:before IS NULL OR k.id < :before) "
    "ORDER BY k.id DESC LIMIT :limit";

KudosRecord read_row(SQLite::Statement& s) {
  KudosRecord k;
  k.id = s.getColumn(0).getInt64();
  k.agent_id = s.getColumn(1).getInt64();
  k.agent_name = s.getColumn(2).getString();
  k.from_user_id = s.getColumn(3).getInt64();
  k.from_name = s.getColumn(4).getString();
  k.ticket_id = optional_id(s.getColumn(5));
  k.message = s.getColumn(6).getString();
  k.created_at = s.getColumn(7).getInt64();
  return k;
}

}  // namespace

KudosRecord give(Tx& tx, Id agent_id, Id from, std::optional<Id> ticket_id,
                 const std::string& message, Millis now) {
  auto& db = tx.connection();
  const auto agent = find_user(db, agent_id);
  if (!agent || !agent->active)
    throw Refusal(errc::invalid_argument,
                  "User " + std::to_string(agent_id) + " does not exist or is deactivated.",
                  "agent_id");
  if (ticket_id && !find_ticket(db, *ticket_id))
    throw Refusal(errc::invalid_argument,
                  "Ticket " + std::to_string(*ticket_id) + " does not exist.", "ticket_id");
  auto& s = db.statement(kInsert);
  s.bind(1, agent_id);
  s.bind(2, from);
  bind_optional(s, 3, ticket_id);
  s.bind(4, message);
  s.bind(5, now);
  s.exec();
  auto& f = db.statement(kFind);
  f.bind(1, db.last_insert_id());
  f.executeStep();
  return read_row(f);
}

std::vector<KudosRecord> list(Connection& db, std::optional<Id> agent, int limit,
                              std::optional<Id> before) {
  auto& s = db.statement(kList);
  bind_optional(s, ":agent", agent);
  bind_optional(s, ":before", before);
  s.bind(":limit", limit);
  std::vector<KudosRecord> items;
  while (s.executeStep()) items.push_back(read_row(s));
  return items;
}

}  // namespace hd::store::kudos
