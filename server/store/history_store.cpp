#include "store/history_store.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <boost/json.hpp>

#include "domain/sla_replay.hpp"
#include "store/kpi_facts_store.hpp"
#include "store/people.hpp"
#include "store/sql_values.hpp"
#include "store/ticket_sla.hpp"
#include "store/tickets.hpp"

namespace hd::store::history {
namespace {
namespace json = boost::json;
using domain::ActorKind;
using domain::history::Logged;

constexpr const char* kAllUsers = "SELECT id, email FROM users";
constexpr const char* kAllTeams = "SELECT id, name FROM teams";
constexpr const char* kInsertAgent =
    "INSERT INTO users(email, name, role, active, created_at, updated_at) "
    "VALUES (?, ?, 'agent', 0, ?, ?)";
constexpr const char* kInsertTeam = "INSERT INTO teams(name, active, created_at) VALUES (?, 1, ?)";
constexpr const char* kExternalIdTaken = "SELECT 1 FROM tickets WHERE external_id = ?";
// Set aside by an import into an empty database, which then recounts the creation order and the
// KPI facts' days once.
constexpr const char* kCreationTimesIndexed =
    "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'tickets_created'";
constexpr const char* kInsertTicket =
    "INSERT INTO tickets(subject, status, priority, channel, customer_id, team_id, assignee_id, "
    "external_id, version, created_at, updated_at, message_count, status_since, outbound, "
    "first_response_at, first_resolved_at, resolved_at, requester_wait_ms, on_hold_ms, "
    "reopen_count, public_reply_count, resolution_episode, awaiting_reply_since, "
    "last_public_by_agent, " HD_SLA_WRITE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertTag =
    "INSERT OR IGNORE INTO ticket_tags(ticket_id, tag) VALUES (?, ?)";
constexpr const char* kInsertMessage =
    "INSERT INTO messages(ticket_id, author_kind, author_user_id, internal, body, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertEvent =
    "INSERT INTO ticket_events(ticket_id, type, actor_kind, actor_user_id, at, data) "
    "VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertSurvey =
    "INSERT INTO surveys(ticket_id, episode, customer_id, agent_id, state, created_at, sent_at, "
    "answered_at, csat, resolved, nps, ces, comment, team_id, channel) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertFact =
    "INSERT INTO kpi_facts(metric, at, ticket_id, seq, agent_id, team_id, channel, priority, "
    "organization_id, created_at, value, business, flags, csat, nps, ces) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kInsertCredit =
    "INSERT INTO kpi_tickets(ticket_id, last_public_agent_id, credited_agent_id) VALUES (?, ?, ?)";

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void bind_id(SQLite::Statement& s, int i, const std::optional<Id>& id, const Directory& people,
             const std::map<Id, Id>& created) {
  if (id)
    s.bind(i, people.resolve(*id, created));
  else
    s.bind(i);
}

/// An imported ticket's SLA (IMPORT.md): the policy in force that it matches, as for a live
/// ticket, and its clock replayed over the history as of `now`, with the SLA facts that decided.
/// What settling it from its stored events would give, without reading them back. History gets
/// no breach events and no watch jobs: nothing fires for what happened before the import.
struct ImportedSla {
  SlaMatchInForce match;
  domain::SlaClock clock;
  domain::kpi::FactChanges decided;
};

ImportedSla replay_imported_sla(Connection& db, const ImportTicket& t, std::optional<Id> team,
                                Millis now, const TicketPolicy& policy) {
  ImportedSla sla;
  sla.match = match_sla(db, {t.priority, team, t.channel, t.organization}, policy);
  if (!sla.match.policy) return sla;
  domain::SlaReplay replay(sla.match.policy->targets, *sla.match.calendar, &sla.decided);
  replay.created(t.created_at, t.replayed.life.outbound);
  for (const Logged& l : t.replayed.log) {
    if (l.kind == Logged::Kind::message) {
      const auto& e = t.events[l.event_index];
      replay.message({e.at, e.actor, e.internal});
    } else if (l.kind == Logged::Kind::status) {
      replay.status(l.to, l.at);
    }
  }
  sla.clock = replay.settle(now);
  return sla;
}

}  // namespace

Directory::Directory(Connection& db) {
  auto& users = db.statement(kAllUsers);
  while (users.executeStep())
    agents_[lower(users.getColumn(1).getString())] = users.getColumn(0).getInt64();
  users.reset();
  auto& teams = db.statement(kAllTeams);
  while (teams.executeStep())
    teams_[lower(teams.getColumn(1).getString())] = teams.getColumn(0).getInt64();
  teams.reset();
}

Id Directory::agent(const std::string& email) {
  const auto key = lower(email);
  if (auto it = agents_.find(key); it != agents_.end()) return it->second;
  const Id provisional = next_provisional_--;
  pending_.agents.emplace_back(provisional, email);
  agents_[key] = provisional;
  return provisional;
}

Id Directory::team(const std::string& name) {
  const auto key = lower(name);
  if (auto it = teams_.find(key); it != teams_.end()) return it->second;
  const Id provisional = next_provisional_--;
  pending_.teams.emplace_back(provisional, name);
  teams_[key] = provisional;
  return provisional;
}

Directory::Pending Directory::take_pending() {
  return std::exchange(pending_, {});
}

void Directory::learn(const std::map<Id, Id>& created) {
  for (const auto& [provisional, real] : created) created_[provisional] = real;
  for (auto* names : {&agents_, &teams_})
    for (auto& [name, id] : *names)
      if (auto it = created.find(id); it != created.end()) id = it->second;
}

Id Directory::resolve(Id id, const std::map<Id, Id>& created) const {
  if (id >= 0) return id;
  if (auto it = created.find(id); it != created.end()) return it->second;
  const auto it = created_.find(id);
  return it == created_.end() ? id : it->second;
}

BatchResult write_batch(Tx& tx, const Directory& people, const Directory::Pending& pending,
                        const std::vector<ImportTicket>& batch, Millis now,
                        const TicketPolicy& policy) {
  auto& db = tx.connection();
  BatchResult result;
  for (const auto& [provisional, email] : pending.agents) {
    auto& s = db.statement(kInsertAgent);
    s.bind(1, email);
    s.bind(2, email.substr(0, email.find('@')));  // a name to show until someone edits it
    s.bind(3, now);
    s.bind(4, now);
    s.exec();
    result.created[provisional] = db.last_insert_id();
  }
  for (const auto& [provisional, name] : pending.teams) {
    auto& s = db.statement(kInsertTeam);
    s.bind(1, name);
    s.bind(2, now);
    s.exec();
    result.created[provisional] = db.last_insert_id();
  }
  const auto& created = result.created;
  std::map<std::string, std::optional<Id>> organizations;
  auto& indexed = db.statement(kCreationTimesIndexed);
  // Unless an import into an empty database set its indexes aside: building them again recounts
  // the creation order and the facts' days at once (bulk_load::put_back).
  const bool counted_live = indexed.executeStep();
  indexed.reset();
  for (const auto& t : batch) {
    if (!t.external_id.empty()) {
      auto& taken = db.statement(kExternalIdTaken);
      taken.bind(1, t.external_id);
      const bool exists = taken.executeStep();
      taken.reset();
      if (exists) {
        result.skipped.emplace_back(t.line, t.external_id);
        result.ticket_ids.push_back(0);
        continue;
      }
    }
    const auto& r = t.replayed;
    const auto& life = r.life;
    const CustomerRecord customer =
        upsert_customer(tx, t.customer_email, t.customer_name, t.organization, t.created_at);
    const std::optional<Id> team =
        t.team ? std::optional(people.resolve(*t.team, created)) : std::nullopt;
    const std::optional<Id> assignee =
        r.assignee ? std::optional(people.resolve(*r.assignee, created)) : std::nullopt;
    const Millis updated_at = t.events.empty() ? t.created_at : t.events.back().at;
    const ImportedSla sla = replay_imported_sla(db, t, team, now, policy);
    const auto* sla_policy = sla.match.policy;

    auto& ins = db.statement(kInsertTicket);
    int i = 1;
    ins.bind(i++, t.subject);
    bind_text(ins, i++, domain::to_string(life.status));
    bind_text(ins, i++, domain::to_string(t.priority));
    bind_text(ins, i++, domain::to_string(t.channel));
    ins.bind(i++, customer.id);
    bind_optional(ins, i++, team);
    bind_optional(ins, i++, assignee);
    if (t.external_id.empty())
      ins.bind(i++);
    else
      ins.bind(i++, t.external_id);
    ins.bind(i++, t.created_at);
    ins.bind(i++, updated_at);
    ins.bind(i++, r.messages);
    ins.bind(i++, life.status_since);
    ins.bind(i++, life.outbound ? 1 : 0);
    bind_optional(ins, i++, life.first_response_at);
    bind_optional(ins, i++, life.first_resolved_at);
    bind_optional(ins, i++, life.resolved_at);
    ins.bind(i++, life.requester_wait_ms);
    ins.bind(i++, life.on_hold_ms);
    ins.bind(i++, life.reopen_count);
    ins.bind(i++, life.public_reply_count);
    ins.bind(i++, life.resolution_episode);
    bind_optional(ins, i++, life.awaiting_reply_since);
    ins.bind(i++, life.last_public_by_agent ? 1 : 0);
    bind_sla_columns(ins, i, sla_policy ? std::optional(sla_policy->id) : std::nullopt,
                     sla_policy ? std::optional(sla_policy->version) : std::nullopt, sla.clock);
    ins.exec();
    const Id ticket_id = db.last_insert_id();
    if (counted_live) note_ticket_created(db, ticket_id, t.created_at);
    result.ticket_ids.push_back(ticket_id);

    for (const auto& tag : t.tags) {
      auto& s = db.statement(kInsertTag);
      s.bind(1, ticket_id);
      s.bind(2, tag);
      s.exec();
    }

    auto event = [&](const char* type, ActorKind actor, std::optional<Id> user, Millis at,
                     const std::string& data) {
      auto& s = db.statement(kInsertEvent);
      s.bind(1, ticket_id);
      s.bind(2, type);
      bind_text(s, 3, domain::to_string(actor));
      bind_id(s, 4, actor == ActorKind::agent ? user : std::nullopt, people, created);
      s.bind(5, at);
      s.bind(6, data);
      s.exec();
    };
    {
      json::object data{{"subject", t.subject},
                        {"priority", domain::to_string(t.priority)},
                        {"channel", domain::to_string(t.channel)},
                        {"customer_id", customer.id},
                        {"imported", true}};
      if (life.outbound) data["outbound"] = true;
      if (!t.external_id.empty()) data["external_id"] = t.external_id;
      event("created", ActorKind::system, std::nullopt, t.created_at, json::serialize(data));
    }
    std::string search = t.subject;
    std::vector<Id> survey_ids(r.surveys.size(), 0);
    for (std::size_t k = 0; k < r.surveys.size(); ++k) {
      const auto& s = r.surveys[k];
      auto& ins_s = db.statement(kInsertSurvey);
      int j = 1;
      ins_s.bind(j++, ticket_id);
      ins_s.bind(j++, s.episode);
      ins_s.bind(j++, customer.id);
      bind_id(ins_s, j++, s.agent_id, people, created);
      ins_s.bind(j++, s.state);
      ins_s.bind(j++, s.sent_at);
      ins_s.bind(j++, s.sent_at);
      bind_optional(ins_s, j++, s.answered_at);
      if (s.answered_at) {
        ins_s.bind(j++, s.csat);
        ins_s.bind(j++, s.resolved ? 1 : 0);
      } else {
        ins_s.bind(j++);
        ins_s.bind(j++);
      }
      bind_optional(ins_s, j++, s.nps);
      bind_optional(ins_s, j++, s.ces);
      if (s.answer_index && !t.comments[*s.answer_index].empty())
        ins_s.bind(j++, t.comments[*s.answer_index]);
      else
        ins_s.bind(j++);
      bind_optional(ins_s, j++, team);
      bind_text(ins_s, j++, domain::to_string(t.channel));
      ins_s.exec();
      survey_ids[k] = db.last_insert_id();
    }
    for (const Logged& l : r.log) {
      switch (l.kind) {
        case Logged::Kind::message: {
          const auto& e = t.events[l.event_index];
          auto& m = db.statement(kInsertMessage);
          m.bind(1, ticket_id);
          bind_text(m, 2, domain::to_string(e.actor));
          bind_id(m, 3, e.actor == ActorKind::agent ? e.agent_id : std::nullopt, people, created);
          m.bind(4, e.internal ? 1 : 0);
          m.bind(5, t.bodies[l.event_index]);
          m.bind(6, e.at);
          m.exec();
          const Id message_id = db.last_insert_id();
          std::string data = "{\"message_id\":" + std::to_string(message_id) + ",\"author\":\"" +
                             std::string(domain::to_string(e.actor)) +
                             "\",\"internal\":" + (e.internal ? "true" : "false");
          if (l.next_reply_ms) data += ",\"next_reply_ms\":" + std::to_string(*l.next_reply_ms);
          data += "}";
          event("message", e.actor, e.agent_id, e.at, data);
          (search += '\n') += t.bodies[l.event_index];
          break;
        }
        case Logged::Kind::assigned: {
          const auto id =
              l.agent_id ? std::optional(people.resolve(*l.agent_id, created)) : std::nullopt;
          event("assigned", ActorKind::system, std::nullopt, l.at,
                std::string("{\"assignee_id\":") + (id ? std::to_string(*id) : "null") + "}");
          break;
        }
        case Logged::Kind::status: {
          std::string data = std::string("{\"from\":\"") + std::string(domain::to_string(l.from)) +
                             "\",\"to\":\"" + std::string(domain::to_string(l.to)) + "\"";
          if (l.reopen) data += ",\"reopen\":true";
          if (l.cause) data += std::string(",\"cause\":\"") + l.cause + "\"";
          data += "}";
          event("status", l.actor, l.agent_id, l.at, data);
          break;
        }
        case Logged::Kind::survey_answered: {
          const auto& e = t.events[l.event_index];
          Id survey_id = 0;
          for (std::size_t k = 0; k < r.surveys.size(); ++k)
            if (r.surveys[k].answer_index == l.event_index) survey_id = survey_ids[k];
          json::object data{{"survey_id", survey_id}, {"csat", e.csat}, {"resolved", e.resolved}};
          if (e.nps) data["nps"] = *e.nps;
          if (e.ces) data["ces"] = *e.ces;
          if (!t.comments[l.event_index].empty()) data["comment"] = t.comments[l.event_index];
          event("survey_answered", ActorKind::system, std::nullopt, l.at, json::serialize(data));
          break;
        }
        case Logged::Kind::survey_expired:
          break;
      }
    }
    // KPI facts, stamped with the ticket's values (surveys with the team and channel they
    // were sent with, which history cannot tell apart from the ticket's).
    kpi::TicketDims dims;
    dims.ticket_id = ticket_id;
    dims.assignee = assignee;
    dims.team = team;
    dims.channel = static_cast<int>(t.channel);
    dims.priority = static_cast<int>(t.priority);
    dims.created_at = t.created_at;
    if (auto it = organizations.find(t.organization); it != organizations.end()) {
      dims.organization = it->second;
    } else {
      dims.organization = kpi::organization_id(db, t.organization);
      organizations.emplace(t.organization, dims.organization);
    }
    auto insert_fact = [&](const domain::kpi::Fact& f, Millis business) {
      auto& s = db.statement(kInsertFact);
      int j = 1;
      s.bind(j++, static_cast<int>(f.metric));
      s.bind(j++, f.at);
      s.bind(j++, ticket_id);
      s.bind(j++, f.seq);
      if (kpi::follows_assignee(f.metric))
        bind_optional(s, j++, assignee);
      else
        bind_id(s, j++, f.agent, people, created);
      bind_optional(s, j++, team);
      s.bind(j++, dims.channel);
      s.bind(j++, dims.priority);
      bind_optional(s, j++, dims.organization);
      s.bind(j++, t.created_at);
      s.bind(j++, f.value);
      s.bind(j++, business);
      s.bind(j++, f.flags);
      bind_optional(s, j++, f.csat);
      bind_optional(s, j++, f.nps);
      bind_optional(s, j++, f.ces);
      s.exec();
      if (counted_live) tx.note_fact_day(static_cast<int>(f.metric), f.at);
    };
    for (const auto& f : r.facts) {
      // The durations' business time in the calendar of the ticket's SLA policy, as a live
      // ticket's are recounted (kpi::recount_business): the history was replayed in wall time.
      const bool recounted = sla_policy && domain::kpi::is_duration(f.metric);
      insert_fact(f, recounted ? domain::kpi::duration_business(f.at, f.value, *sla.match.calendar)
                               : f.business);
    }
    for (const auto& change : sla.decided)
      if (change.kind == domain::kpi::FactChange::Kind::insert)
        insert_fact(change.fact, change.fact.business);
    if (r.credit.last_public_agent || r.credit.credited_agent) {
      auto& s = db.statement(kInsertCredit);
      s.bind(1, ticket_id);
      bind_id(s, 2, r.credit.last_public_agent, people, created);
      bind_id(s, 3, r.credit.credited_agent, people, created);
      s.exec();
    }
    tx.index_for_search(ticket_id, std::move(search));
    ++result.imported;
  }
  return result;
}

}  // namespace hd::store::history
