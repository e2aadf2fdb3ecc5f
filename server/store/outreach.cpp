#include "store/outreach.hpp"

#include <SQLiteCpp/Statement.h>

#include "domain/refusal.hpp"
#include "store/people.hpp"
#include "store/sql_values.hpp"

namespace hd::store::outreach {
using domain::errc;
using domain::Refusal;

namespace {

constexpr const char* kInsert =
    "INSERT INTO customer_outreach(customer_id, note, outcome, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
#define HD_OUTREACH_SELECT                                                              \
  "SELECT o.id, o.customer_id, o.note, o.outcome, o.created_by, COALESCE(u.name, ''), " \
  "o.created_at FROM customer_outreach o LEFT JOIN users u ON u.id = o.created_by "
constexpr const char* kFind = HD_OUTREACH_SELECT "WHERE o.id = ?";
constexpr const char* kList = HD_OUTREACH_SELECT
    "WHERE o.customer_id = :customer AND (:before IS NULL OR o.id < :before) "
    "ORDER BY o.id DESC LIMIT :limit";

OutreachRecord read(SQLite::Statement& s) {
  return {s.getColumn(0).getInt64(),
          s.getColumn(1).getInt64(),
          s.getColumn(2).getString(),
          parse_outcome(s.getColumn(3).getString()).value_or(Outcome::reached),
          s.getColumn(4).getInt64(),
          s.getColumn(5).getString(),
          s.getColumn(6).getInt64()};
}

}  // namespace

std::optional<Outcome> parse_outcome(std::string_view text) {
  if (text == "reached") return Outcome::reached;
  if (text == "no_answer") return Outcome::no_answer;
  if (text == "saved") return Outcome::saved;
  if (text == "lost") return Outcome::lost;
  return std::nullopt;
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::reached:
      return "reached";
    case Outcome::no_answer:
      return "no_answer";
    case Outcome::saved:
      return "saved";
    default:
      return "lost";
  }
}

OutreachRecord record(Tx& tx, Id customer_id, const std::string& note, Outcome outcome, Id by,
                      Millis now) {
  auto& db = tx.connection();
  if (!find_customer(db, customer_id))
    throw Refusal(errc::not_found, "Customer " + std::to_string(customer_id) + " does not exist.");
  auto& s = db.statement(kInsert);
  s.bind(1, customer_id);
  s.bind(2, note);
  s.bind(3, to_string(outcome));
  s.bind(4, by);
  s.bind(5, now);
  s.exec();
  auto& f = db.statement(kFind);
  f.bind(1, db.last_insert_id());
  f.executeStep();
  return read(f);
}

std::vector<OutreachRecord> list(Connection& db, Id customer_id, int limit,
                                 std::optional<Id> before) {
  auto& s = db.statement(kList);
  s.bind(":customer", customer_id);
  bind_optional(s, ":before", before);
  s.bind(":limit", limit);
  std::vector<OutreachRecord> items;
  while (s.executeStep()) items.push_back(read(s));
  return items;
}

std::optional<OutreachRecord> last(Connection& db, Id customer_id) {
  auto items = list(db, customer_id, 1, std::nullopt);
  if (items.empty()) return std::nullopt;
  return std::move(items.front());
}

}  // namespace hd::store::outreach
