#include "store/kpi_facts_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <vector>

#include "store/sql_values.hpp"

namespace hd::store::kpi {
namespace {
using domain::kpi::FactChange;
using domain::kpi::Metric;

constexpr const char* kFindOrganization = "SELECT id FROM kpi_organizations WHERE name = ?";
constexpr const char* kInsertOrganization = "INSERT INTO kpi_organizations(name) VALUES (?)";
constexpr const char* kInsertFact =
    "INSERT OR REPLACE INTO kpi_facts(metric, at, ticket_id, seq, agent_id, team_id, channel, "
    "priority, organization_id, created_at, value, business, flags, csat, nps, ces) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kBumpFactDay =
    "INSERT INTO kpi_fact_days(metric, day, version) VALUES (?, ?, 1) "
    "ON CONFLICT (metric, day) DO UPDATE SET version = version + 1";
constexpr Millis kDayMs = 86'400'000;  // the days of kpi_fact_days: at / 86400000
constexpr const char* kEraseFact =
    "DELETE FROM kpi_facts WHERE metric = ? AND at = ? AND ticket_id = ? AND seq = ?";
constexpr const char* kSetFlags =
    "UPDATE kpi_facts SET flags = ? WHERE metric = ? AND at = ? AND ticket_id = ? AND seq = ?";
constexpr const char* kLoadCredit =
    "SELECT last_public_agent_id, credited_agent_id FROM kpi_tickets WHERE ticket_id = ?";
constexpr const char* kSaveCredit =
    "INSERT INTO kpi_tickets(ticket_id, last_public_agent_id, credited_agent_id) "
    "VALUES (?, ?, ?) ON CONFLICT(ticket_id) DO UPDATE SET "
    "last_public_agent_id = excluded.last_public_agent_id, "
    "credited_agent_id = excluded.credited_agent_id";
// Volume, backlog and SLA outcomes follow the current assignee; survey facts keep their team.
constexpr const char* kRestamp =
    "UPDATE kpi_facts SET "
    "agent_id = CASE WHEN metric IN (1, 8, 9, 10, 11, 12) THEN :assignee ELSE agent_id END, "
    "team_id = CASE WHEN metric IN (6, 7) THEN team_id ELSE :team END, "
    "priority = :priority, organization_id = :organization WHERE ticket_id = :ticket";
constexpr const char* kEraseSlaFacts =
    "DELETE FROM kpi_facts WHERE ticket_id = ? AND metric BETWEEN 10 AND 12";
// The metrics of domain::kpi::is_duration.
constexpr const char* kDurationFacts =
    "SELECT metric, at, seq, value, business FROM kpi_facts WHERE ticket_id = ? "
    "AND metric BETWEEN 2 AND 5";
constexpr const char* kSetBusiness =
    "UPDATE kpi_facts SET business = ? WHERE metric = ? AND at = ? AND ticket_id = ? AND seq = ?";
constexpr const char* kRecordSurveyCredit =
    "UPDATE surveys SET agent_id = ?, team_id = ?, channel = ? WHERE id = ?";
constexpr const char* kSurveyCredit =
    "SELECT s.ticket_id, s.episode, s.agent_id, s.team_id, s.channel, s.sent_at FROM surveys s "
    "WHERE s.id = ?";
constexpr const char* kTicketDims =
    "SELECT t.assignee_id, t.team_id, t.channel, t.priority, t.created_at, c.organization "
    "FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.id = ?";

int index_of(domain::Channel c) {
  return static_cast<int>(c);
}
int index_of(domain::Priority p) {
  return static_cast<int>(p);
}

bool is_survey(Metric m) {
  return m == Metric::survey_sent || m == Metric::survey_answer;
}
}  // namespace

bool follows_assignee(Metric m) {
  return m == Metric::created || m == Metric::open_span || m == Metric::pending_span ||
         domain::kpi::is_sla(m);
}

std::optional<Id> organization_id(Connection& db, const std::string& name) {
  if (name.empty()) return std::nullopt;
  auto& find = db.statement(kFindOrganization);
  find.bind(1, name);
  if (find.executeStep()) {
    const Id id = find.getColumn(0).getInt64();
    find.reset();
    return id;
  }
  find.reset();
  auto& insert = db.statement(kInsertOrganization);
  insert.bind(1, name);
  insert.exec();
  return db.last_insert_id();
}

TicketDims dims_of(Connection& db, const TicketRecord& t) {
  TicketDims d;
  d.ticket_id = t.id;
  d.assignee = t.assignee_id;
  d.team = t.team_id;
  d.channel = index_of(t.channel);
  d.priority = index_of(t.priority);
  d.created_at = t.created_at;
  d.organization = organization_id(db, t.customer.organization);
  return d;
}

void apply(Tx& tx, const TicketDims& dims, const domain::kpi::FactChanges& changes,
           std::optional<Id> survey_team, std::optional<int> survey_channel) {
  auto& db = tx.connection();
  for (const FactChange& change : changes) {
    const auto& f = change.fact;
    const int metric = static_cast<int>(f.metric);
    switch (change.kind) {
      case FactChange::Kind::insert: {
        auto& s = db.statement(kInsertFact);
        int i = 1;
        s.bind(i++, metric);
        s.bind(i++, f.at);
        s.bind(i++, dims.ticket_id);
        s.bind(i++, f.seq);
        bind_optional(s, i++, follows_assignee(f.metric) ? dims.assignee : f.agent);
        bind_optional(s, i++, is_survey(f.metric) && survey_channel ? survey_team : dims.team);
        s.bind(i++, is_survey(f.metric) && survey_channel ? *survey_channel : dims.channel);
        s.bind(i++, dims.priority);
        bind_optional(s, i++, dims.organization);
        s.bind(i++, dims.created_at);
        s.bind(i++, f.value);
        s.bind(i++, f.business);
        s.bind(i++, f.flags);
        bind_optional(s, i++, f.csat);
        bind_optional(s, i++, f.nps);
        bind_optional(s, i++, f.ces);
        s.exec();
        tx.note_fact_day(metric, f.at);
        break;
      }
      case FactChange::Kind::erase: {
        auto& s = db.statement(kEraseFact);
        s.bind(1, metric);
        s.bind(2, f.at);
        s.bind(3, dims.ticket_id);
        s.bind(4, f.seq);
        s.exec();
        break;
      }
      case FactChange::Kind::set_flags: {
        auto& s = db.statement(kSetFlags);
        s.bind(1, f.flags);
        s.bind(2, metric);
        s.bind(3, f.at);
        s.bind(4, dims.ticket_id);
        s.bind(5, f.seq);
        s.exec();
        break;
      }
    }
  }
}

void bump_fact_days(Connection& db, std::vector<std::pair<int, std::int64_t>>& facts) {
  for (auto& fact : facts) fact.second /= kDayMs;
  std::sort(facts.begin(), facts.end());
  facts.erase(std::unique(facts.begin(), facts.end()), facts.end());
  for (const auto& [metric, day] : facts) {
    auto& s = db.statement(kBumpFactDay);
    s.bind(1, metric);
    s.bind(2, day);
    s.exec();
  }
  facts.clear();
}

domain::kpi::Credit load_credit(Connection& db, Id ticket_id) {
  auto& s = db.statement(kLoadCredit);
  s.bind(1, ticket_id);
  domain::kpi::Credit credit;
  if (s.executeStep()) {
    credit.last_public_agent = optional_id(s.getColumn(0));
    credit.credited_agent = optional_id(s.getColumn(1));
  }
  s.reset();
  return credit;
}

void save_credit(Connection& db, Id ticket_id, const domain::kpi::Credit& credit) {
  auto& s = db.statement(kSaveCredit);
  s.bind(1, ticket_id);
  bind_optional(s, 2, credit.last_public_agent);
  bind_optional(s, 3, credit.credited_agent);
  s.exec();
}

void restamp(Connection& db, const TicketDims& dims) {
  auto& s = db.statement(kRestamp);
  bind_optional(s, ":assignee", dims.assignee);
  bind_optional(s, ":team", dims.team);
  s.bind(":priority", dims.priority);
  bind_optional(s, ":organization", dims.organization);
  s.bind(":ticket", dims.ticket_id);
  s.exec();
}

void on_created(Tx& tx, const TicketRecord& ticket) {
  auto& db = tx.connection();
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_start(ticket.life, ticket.assignee_id, changes);
  apply(tx, dims_of(db, ticket), changes);
}

void on_message(Tx& tx, const TicketRecord& ticket, const domain::TicketLife& before,
                const domain::MessageFact& message, std::optional<Id> author,
                const domain::LifeEffects& effects, Id message_id,
                const domain::Calendar& business) {
  const bool public_agent = message.author == domain::ActorKind::agent && !message.internal;
  // Customer messages that move nothing and internal notes measure nothing.
  if (!public_agent && before.status == ticket.life.status) return;
  auto& db = tx.connection();
  auto credit = domain::kpi::Credit{};
  credit = load_credit(db, ticket.id);
  const auto credit_before = credit;
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_message(credit, before, ticket.life, message, author, effects, message_id,
                                business, changes);
  if (!changes.empty()) apply(tx, dims_of(db, ticket), changes);
  if (!(credit == credit_before)) save_credit(db, ticket.id, credit);
}

void on_status(Tx& tx, const TicketRecord& ticket, const domain::TicketLife& before,
               std::optional<Id> actor, Millis at, const domain::Calendar& business) {
  auto& db = tx.connection();
  auto credit = load_credit(db, ticket.id);
  const auto credit_before = credit;
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_status(credit, before, ticket.life, actor, at, business, changes);
  if (!changes.empty()) apply(tx, dims_of(db, ticket), changes);
  if (!(credit == credit_before)) save_credit(db, ticket.id, credit);
}

void on_fields(Tx& tx, const TicketRecord& ticket) {
  auto& db = tx.connection();
  restamp(db, dims_of(db, ticket));
}

void on_survey_sent(Tx& tx, const TicketRecord& ticket, Id survey_id, int episode, Millis at) {
  auto& db = tx.connection();
  const auto credit = load_credit(db, ticket.id);
  auto& record = db.statement(kRecordSurveyCredit);
  bind_optional(record, 1, credit.credited_agent);
  bind_optional(record, 2, ticket.team_id);
  bind_text(record, 3, domain::to_string(ticket.channel));
  record.bind(4, survey_id);
  record.exec();
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_survey_sent(credit, episode, at, changes);
  apply(tx, dims_of(db, ticket), changes, ticket.team_id, index_of(ticket.channel));
}

void on_survey_answered(Tx& tx, Id survey_id, Millis at, int csat, std::optional<int> nps,
                        std::optional<int> ces) {
  auto& db = tx.connection();
  auto& s = db.statement(kSurveyCredit);
  s.bind(1, survey_id);
  if (!s.executeStep()) return;
  const Id ticket_id = s.getColumn(0).getInt64();
  const int episode = s.getColumn(1).getInt();
  const auto agent = optional_id(s.getColumn(2));
  const auto team = optional_id(s.getColumn(3));
  const std::string channel_name = s.getColumn(4).isNull() ? "" : s.getColumn(4).getString();
  const auto sent_at = optional_id(s.getColumn(5));
  s.reset();
  const auto channel = domain::parse_channel(channel_name);
  if (!sent_at || !channel) return;  // a survey sent before KPIs were recorded
  auto& d = db.statement(kTicketDims);
  d.bind(1, ticket_id);
  if (!d.executeStep()) return;
  TicketDims dims;
  dims.ticket_id = ticket_id;
  dims.assignee = optional_id(d.getColumn(0));
  dims.team = optional_id(d.getColumn(1));
  dims.channel = index_of(*domain::parse_channel(d.getColumn(2).getString()));
  dims.priority = index_of(*domain::parse_priority(d.getColumn(3).getString()));
  dims.created_at = d.getColumn(4).getInt64();
  const std::string organization = d.getColumn(5).getString();
  d.reset();
  dims.organization = organization_id(db, organization);
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_survey_answer(agent, episode, *sent_at, at, csat, nps, ces, changes);
  apply(tx, dims, changes, team, index_of(*channel));
}

void on_sla(Tx& tx, const TicketRecord& ticket, const domain::SlaClock& before) {
  domain::kpi::FactChanges changes;
  domain::kpi::facts_on_sla(before, ticket.sla, changes);
  if (changes.empty()) return;
  auto& db = tx.connection();
  apply(tx, dims_of(db, ticket), changes);
}

void replace_sla_facts(Tx& tx, const TicketRecord& ticket,
                       const domain::kpi::FactChanges& decided) {
  auto& db = tx.connection();
  auto& erase = db.statement(kEraseSlaFacts);
  erase.bind(1, ticket.id);
  erase.exec();
  domain::kpi::FactChanges inserts;
  for (const auto& change : decided)
    if (change.kind == FactChange::Kind::insert) inserts.push_back(change);
  if (!inserts.empty()) apply(tx, dims_of(db, ticket), inserts);
}

void recount_business(Tx& tx, Id ticket_id, const domain::Calendar& business) {
  auto& db = tx.connection();
  struct Row {
    int metric;
    Millis at, seq, value, business;
  };
  std::vector<Row> rows;
  {
    auto& s = db.statement(kDurationFacts);
    s.bind(1, ticket_id);
    while (s.executeStep())
      rows.push_back({s.getColumn(0).getInt(), s.getColumn(1).getInt64(), s.getColumn(2).getInt64(),
                      s.getColumn(3).getInt64(), s.getColumn(4).getInt64()});
    s.reset();
  }
  for (const Row& r : rows) {
    const Millis counted = domain::kpi::duration_business(r.at, r.value, business);
    if (counted == r.business) continue;
    auto& u = db.statement(kSetBusiness);
    u.bind(1, counted);
    u.bind(2, r.metric);
    u.bind(3, r.at);
    u.bind(4, ticket_id);
    u.bind(5, r.seq);
    u.exec();
  }
}

}  // namespace hd::store::kpi
