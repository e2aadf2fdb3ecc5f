#include "store/ticket_sla.hpp"

#include <SQLiteCpp/Statement.h>

#include <array>
#include <boost/json.hpp>

#include "domain/sla_replay.hpp"
#include "store/events.hpp"
#include "store/job_kinds.hpp"
#include "store/jobs_store.hpp"
#include "store/kpi_facts_store.hpp"
#include "store/people.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
namespace json = boost::json;
using domain::SlaClock;
using domain::TargetClock;

namespace {

constexpr const char* kSaveSla = "UPDATE tickets SET (" HD_SLA_WRITE_COLUMNS
                                 ") = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                                 "?) WHERE id = ?";
// The watch jobs of one ticket: unique keys "sla_watch:<ticket>:..." sort between these bounds.
// `+state`: without it SQLite's planner picks the (state, run_at) index and walks every queued
// job of the desk for each ticket change; the unique-key range holds a handful of rows.
constexpr const char* kCancelWatch =
    "UPDATE jobs SET state = 'cancelled', updated_at = ?1 WHERE unique_key >= ?2 "
    "AND unique_key < ?3 AND +state = 'queued'";
// A watch whose due time came back (a re-match to the earlier policy) is queued again.
constexpr const char* kRequeueWatch =
    "UPDATE jobs SET state = 'queued', run_at = ?1, updated_at = ?2 WHERE unique_key = ?3 "
    "AND state = 'cancelled'";
// Walks the ids in order (`+status`: through the status index SQLite would sort every open
// ticket past `id` again for each batch, quadratic in the backlog).
constexpr const char* kTicketsToRecompute =
    "SELECT id FROM tickets WHERE id > ? AND +status IN ('open', 'pending') ORDER BY id LIMIT ?";

using domain::kWallClock;

constexpr std::array<const char*, 3> kTargetNames{"first_response", "next_reply", "resolution"};

std::array<TargetClock*, 3> targets_of(SlaClock& c) {
  return {&c.first_response, &c.next_reply, &c.resolution};
}

std::array<const TargetClock*, 3> targets_of(const SlaClock& c) {
  return {&c.first_response, &c.next_reply, &c.resolution};
}

std::array<std::optional<int>, 3> minutes_of(const domain::SlaTargets& t) {
  return {t.first_response, t.next_reply, t.resolution};
}

void insert_sla_event(Tx& tx, Id ticket_id, domain::EventType type, Millis at,
                      const json::object& data) {
  append_event(tx, ticket_id, type, {domain::ActorKind::system, std::nullopt, domain::Role::agent},
               at, data);
}

/// Who is told of an SLA warning or breach: the assignee and the supervisors of the ticket's
/// team, or every supervisor when the ticket has no team or its team has none. Recorded with
/// the event (`notify`), so the live channel and the history say who was told.
std::vector<Id> sla_recipients(Connection& db, const TicketRecord& t) {
  std::vector<Id> team_supervisors, all_supervisors, out;
  for (const auto& user : list_users(db)) {
    if (!user.active) continue;
    if (t.assignee_id == user.id) out.push_back(user.id);
    if (user.role != domain::Role::supervisor) continue;
    all_supervisors.push_back(user.id);
    if (t.team_id && user.team_id == t.team_id) team_supervisors.push_back(user.id);
  }
  for (const Id id : team_supervisors.empty() ? all_supervisors : team_supervisors)
    if (id != t.assignee_id) out.push_back(id);
  return out;
}

json::array id_array(const std::vector<Id>& ids) {
  return json::array(ids.begin(), ids.end());
}

/// Appends an `sla_breach` event (at its due time) for every target that `was` still open and
/// the ticket's clock now has as breached. Whoever decides a breach tells it: the target's own
/// watch job, a sibling job that settled every overdue target at once, or a write that came
/// after the due time; the watch jobs then find the target decided and stay silent.
/// `recipients`: whom to tell, when the caller looked them up already.
void record_breaches(Tx& tx, const TicketRecord& t, const SlaClock& was,
                     const std::vector<Id>* recipients = nullptr) {
  const auto before = targets_of(was);
  const auto after = targets_of(t.sla);
  std::optional<json::array> notify;  // looked up once, and only when a breach is new
  for (std::size_t i = 0; i < after.size(); ++i) {
    if (before[i]->outcome || after[i]->outcome != domain::SlaOutcome::breached) continue;
    const Millis due = after[i]->due_at.value_or(t.created_at);
    if (!notify) notify = id_array(recipients ? *recipients : sla_recipients(tx.connection(), t));
    insert_sla_event(tx, t.id, domain::EventType::sla_breach, due,
                     {{"target", kTargetNames[i]}, {"due_at", due}, {"notify", *notify}});
  }
}

bool same_dues(const SlaClock& a, const SlaClock& b) {
  return a.first_response.due_at == b.first_response.due_at &&
         a.next_reply.due_at == b.next_reply.due_at && a.resolution.due_at == b.resolution.due_at &&
         a.first_response.outcome == b.first_response.outcome &&
         a.next_reply.outcome == b.next_reply.outcome &&
         a.resolution.outcome == b.resolution.outcome;
}

/// Queues `watch` at `run_at`, or queues again the same watch cancelled earlier (a due time that
/// came back, say on a re-match to the earlier policy). False when it exists in another state:
/// it ran, or is running.
bool queue_watch(Tx& tx, const SlaWatch& watch, Millis run_at, Millis now) {
  if (enqueue(tx, watch, run_at, now)) return true;
  auto& again = tx.connection().statement(kRequeueWatch);
  again.bind(1, run_at);
  again.bind(2, now);
  again.bind(3, unique_key(watch, now));
  if (again.exec() == 0) return false;
  tx.note_job_queued();
  return true;
}

/// Replaces the ticket's queued watch jobs by one per running target: a warning when the
/// configured share of the target is used up, which queues the breach at the due time when it
/// runs (fire_sla_watch), or the breach itself once the warning's time has passed or it ran.
/// One job per target rather than both at once: a policy edit recomputing a million tickets
/// writes half the rows. Only called when a due time moved, so most writes leave the queue alone.
void reschedule_watch(Tx& tx, TicketRecord& t, const domain::SlaTargets& targets,
                      const domain::Calendar& calendar, Millis now, const TicketPolicy& policy) {
  {
    std::string prefix = sla_watch_key_prefix(t.id);  // ends in ':'
    auto& cancel = tx.connection().statement(kCancelWatch);
    cancel.bind(1, now);
    cancel.bind(2, prefix);
    prefix.back() = ';';  // ';' follows ':': the first key past the ticket's
    cancel.bind(3, prefix);
    cancel.exec();
  }
  const auto minutes = minutes_of(targets);
  const auto clocks = targets_of(t.sla);
  for (std::size_t i = 0; i < clocks.size(); ++i) {
    const TargetClock& c = *clocks[i];
    if (!c.running() || !minutes[i]) continue;
    const Millis due = *c.due_at;
    const Millis warn_left = *minutes[i] * 60'000LL * (100 - policy.sla_warn_percent) / 100;
    const Millis left = due > now ? calendar.elapsed(now, due) : 0;
    if (left > warn_left && queue_watch(tx, {t.id, kTargetNames[i], "warning", due},
                                        calendar.advance(now, left - warn_left), now))
      continue;
    queue_watch(tx, {t.id, kTargetNames[i], "breach", due}, due, now);
  }
}

SlaMatchInForce resolve(Connection& db, const TicketRecord& t, const TicketPolicy& policy) {
  return match_sla(db, ticket_facts(t), policy);
}

void sync_due_fields(TicketRecord& t) {
  t.first_response_due_at = t.sla.first_response.due_at;
  t.next_reply_due_at = t.sla.next_reply.due_at;
  t.resolution_due_at = t.sla.resolution.due_at;
}

void bind_outcome(SQLite::Statement& s, int& i, const TargetClock& c) {
  if (c.outcome)
    s.bind(i++, std::string(domain::to_string(*c.outcome)));
  else
    s.bind(i++);
  bind_optional(s, i++, c.decided_at);
}

}  // namespace

void read_ticket_sla(ColumnReader& row, TicketRecord& t) {
  auto& c = t.sla;
  t.sla_policy_version = row.optional_int64();
  c.first_response.due_at = t.first_response_due_at;
  c.next_reply.due_at = t.next_reply_due_at;
  c.resolution.due_at = t.resolution_due_at;
  c.first_response.left_ms = row.optional_int64();
  c.next_reply.left_ms = row.optional_int64();
  c.resolution.left_ms = row.optional_int64();
  for (auto* target : {&c.first_response, &c.next_reply, &c.resolution}) {
    if (const auto outcome = row.optional_text())
      target->outcome = domain::parse_sla_outcome(*outcome);
    target->decided_at = row.optional_int64();
  }
  c.business_wait_ms = row.int64();
  c.business_hold_ms = row.int64();
  c.business_first_response_ms = row.optional_int64();
  c.business_first_resolution_ms = row.optional_int64();
  c.business_full_resolution_ms = row.optional_int64();
}

TicketCalendar ticket_calendar(Connection& db, const TicketRecord& t, const TicketPolicy& policy) {
  TicketCalendar c;
  c.calendar = policy.calendar;
  if (!policy.sla) return c;
  const auto r = resolve(db, t, policy);
  if (!r.policy) return c;
  c.book = r.book;
  c.calendar = r.calendar;
  return c;
}

domain::TicketFacts ticket_facts(const TicketRecord& t) {
  return {t.priority, t.team_id, t.channel, t.customer.organization};
}

SlaMatchInForce start_ticket_sla(Connection& db, TicketRecord& t, const TicketPolicy& policy) {
  if (!policy.sla) return {};
  auto r = resolve(db, t, policy);
  if (!r.policy) return r;
  t.sla_policy_id = r.policy->id;
  t.sla_policy_version = r.policy->version;
  t.sla = domain::start_sla(t.life, r.policy->targets, *r.calendar);
  sync_due_fields(t);
  return r;
}

void watch_new_ticket_sla(Tx& tx, TicketRecord& t, const SlaMatchInForce& match,
                          const TicketPolicy& policy) {
  if (match.policy && t.sla.next_due_at())
    reschedule_watch(tx, t, match.policy->targets, *match.calendar, t.created_at, policy);
}

void step_ticket_sla(Tx& tx, TicketRecord& t, const domain::TicketLife& before, Millis at,
                     const TicketPolicy& policy) {
  if (!policy.sla) return;
  const auto r = resolve(tx.connection(), t, policy);
  if (!r.policy) return;
  if (!t.sla_policy_id || *t.sla_policy_id != r.policy->id ||
      t.sla_policy_version != r.policy->version) {
    // The events of this very change are already appended: the replay includes it.
    rematch_ticket_sla(tx, t, at, policy, "policy_changed", true);
    return;
  }
  const SlaClock was = t.sla;
  domain::step_sla(t.sla, before, t.life, at, r.policy->targets, *r.calendar);
  sync_due_fields(t);
  kpi::on_sla(tx, t, was);
  record_breaches(tx, t, was);
  if (!same_dues(was, t.sla)) reschedule_watch(tx, t, r.policy->targets, *r.calendar, at, policy);
}

namespace {
// The clock of `t` under the policy `r` matched, replayed from its event log as of `now`; its
// SLA facts and business durations follow (a replay may decide differently).
void replay_ticket_sla(Tx& tx, TicketRecord& t, const SlaMatchInForce& r, Millis now) {
  const auto events = list_events(tx.connection(), t.id);
  domain::kpi::FactChanges decided;
  t.sla = replay_sla(events, r.policy->targets, *r.calendar, now, &decided);
  t.sla_policy_id = r.policy->id;
  t.sla_policy_version = r.policy->version;
  sync_due_fields(t);
  kpi::replace_sla_facts(tx, t, decided);
  kpi::recount_business(tx, t.id, *r.calendar);
}
}  // namespace

SlaMatchInForce match_sla(Connection& db, const domain::TicketFacts& facts,
                          const TicketPolicy& policy) {
  SlaMatchInForce r;
  if (!policy.sla) return r;
  r.book = policy.sla->current(db);
  const auto applied = r.book->apply(facts);
  r.policy = applied.match.policy;
  r.reason = applied.match.reason;
  if (applied.calendar) r.calendar = applied.calendar;
  return r;
}

bool rematch_ticket_sla(Tx& tx, TicketRecord& t, Millis now, const TicketPolicy& policy,
                        std::string_view reason, bool force) {
  if (!policy.sla) return false;
  auto& db = tx.connection();
  const auto r = resolve(db, t, policy);
  if (!r.policy) return false;
  const bool same = t.sla_policy_id == r.policy->id && t.sla_policy_version == r.policy->version;
  if (same && !force) return false;
  const SlaClock before = t.sla;
  replay_ticket_sla(tx, t, r, now);
  record_breaches(tx, t, before);
  insert_sla_event(tx, t.id, domain::EventType::sla_recomputed, now,
                   {{"reason", reason},
                    {"policy_id", r.policy->id},
                    {"policy_version", r.policy->version},
                    {"matched", r.reason}});
  if (!same_dues(before, t.sla))
    reschedule_watch(tx, t, r.policy->targets, *r.calendar, now, policy);
  return !same || !(before == t.sla);
}

void save_ticket_sla(Tx& tx, const TicketRecord& t) {
  auto& s = tx.connection().statement(kSaveSla);
  int i = 1;
  bind_sla_columns(s, i, t.sla_policy_id, t.sla_policy_version, t.sla);
  s.bind(i++, t.id);
  s.exec();
}

void bind_sla_columns(SQLite::Statement& s, int& i, std::optional<Id> policy_id,
                      std::optional<std::int64_t> policy_version, const domain::SlaClock& c) {
  bind_optional(s, i++, policy_id);
  bind_optional(s, i++, policy_version);
  for (const auto* target : targets_of(c)) bind_optional(s, i++, target->due_at);
  for (const auto* target : targets_of(c)) bind_optional(s, i++, target->left_ms);
  for (const auto* target : targets_of(c)) bind_outcome(s, i, *target);
  s.bind(i++, c.business_wait_ms);
  s.bind(i++, c.business_hold_ms);
  bind_optional(s, i++, c.business_first_response_ms);
  bind_optional(s, i++, c.business_first_resolution_ms);
  bind_optional(s, i++, c.business_full_resolution_ms);
  bind_optional(s, i++, c.next_due_at());
}

domain::SlaClock replay_sla(const std::vector<EventRecord>& events,
                            const domain::SlaTargets& targets, const domain::Calendar& calendar,
                            Millis now, domain::kpi::FactChanges* decided) {
  domain::SlaReplay replay(targets, calendar, decided);
  for (const auto& event : events) {
    if (event.type == domain::EventType::created) {
      const json::value data = json::parse(event.data);
      const auto* outbound = data.as_object().if_contains("outbound");
      replay.created(event.at, outbound && outbound->as_bool());
    } else if (event.type == domain::EventType::message) {
      const json::value data = json::parse(event.data);
      const auto& o = data.as_object();
      const auto author = domain::parse_actor_kind(o.at("author").as_string());
      replay.message({event.at, *author, o.at("internal").as_bool()});
    } else if (event.type == domain::EventType::status) {
      const json::value data = json::parse(event.data);
      replay.status(*domain::parse_status(data.as_object().at("to").as_string()), event.at);
    }
  }
  return replay.settle(now);
}

Id recompute_sla_batch(Tx& tx, Id after_id, int limit, std::chrono::microseconds budget, Millis now,
                       const TicketPolicy& policy) {
  if (!policy.sla) return 0;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  std::vector<Id> ids;
  {
    auto& s = tx.connection().statement(kTicketsToRecompute);
    s.bind(1, after_id);
    s.bind(2, limit);
    while (s.executeStep()) ids.push_back(s.getColumn(0).getInt64());
  }
  for (const Id id : ids) {
    auto t = find_ticket(tx.connection(), id);
    if (t && rematch_ticket_sla(tx, *t, now, policy, "policy_edited")) save_ticket_sla(tx, *t);
    if (std::chrono::steady_clock::now() >= deadline && id != ids.back()) return id;
  }
  return ids.size() < static_cast<std::size_t>(limit) ? 0 : ids.back();
}

std::optional<WatchFired> fire_sla_watch(Tx& tx, Id ticket_id, std::string_view target,
                                         std::string_view kind, Millis due_at, Millis now,
                                         const TicketPolicy& policy) {
  if (!policy.sla) return std::nullopt;
  auto t = find_ticket(tx.connection(), ticket_id);
  if (!t) return std::nullopt;
  const auto clocks = targets_of(t->sla);
  TargetClock* clock = nullptr;
  for (std::size_t i = 0; i < clocks.size(); ++i)
    if (target == kTargetNames[i]) clock = clocks[i];
  if (!clock || clock->due_at != due_at) return std::nullopt;  // recomputed to another due time
  const bool breach = kind == "breach";
  const bool breached = clock->outcome == domain::SlaOutcome::breached;
  // A warning's job queues the breach's, the target's next watch (see reschedule_watch): also for
  // a warning too late to tell, which the breach then says, and for a breach decided meanwhile by
  // another target's breach job (which settles every overdue target), whose mail and escalation
  // still come from this target's own breach job.
  if (!breach && (clock->running() || breached))
    queue_watch(tx, {ticket_id, std::string(target), "breach", due_at}, due_at, now);
  // A write after the due time (say, after a stop) already decided and recorded this breach:
  // what the breach sets off (mail, escalation) still happens, once, from this job.
  const bool decided_by_write = breach && breached;
  // Stale: the ticket moved on (met, paused, stopped).
  if (!clock->running() && !decided_by_write) return std::nullopt;
  WatchFired fired;
  fired.target = target;
  fired.kind = kind;
  fired.due_at = due_at;
  if (breach ? now < due_at : now >= due_at)
    return std::nullopt;  // a breach not yet due (a retry ran early); a warning the breach tells
  const auto r = resolve(tx.connection(), *t, policy);
  fired.notify = sla_recipients(tx.connection(), *t);
  if (breach) {
    if (!decided_by_write) {
      const SlaClock was = t->sla;
      domain::settle_sla(t->sla, now);
      save_ticket_sla(tx, *t);
      kpi::on_sla(tx, *t, was);
      record_breaches(tx, *t, was, &fired.notify);
    }
  } else {
    const Millis left = due_at > now ? r.calendar->elapsed(now, due_at) : 0;
    insert_sla_event(tx, t->id, domain::EventType::sla_warning, now,
                     {{"target", target},
                      {"due_at", due_at},
                      {"business_ms_left", left},
                      {"notify", id_array(fired.notify)}});
  }
  if (r.policy) fired.escalations = r.policy->escalations;
  fired.ticket = *t;
  return fired;
}

}  // namespace hd::store
