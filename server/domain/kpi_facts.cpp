#include "domain/kpi_facts.hpp"

namespace hd::domain::kpi {
namespace {

std::optional<Metric> span_of(Status status) {
  if (status == Status::open) return Metric::open_span;
  if (status == Status::pending) return Metric::pending_span;
  return std::nullopt;
}

void insert(FactChanges& out, Fact fact) {
  out.push_back({FactChange::Kind::insert, std::move(fact)});
}

void erase(FactChanges& out, Metric metric, Millis at, std::int64_t seq) {
  Fact f;
  f.metric = metric;
  f.at = at;
  f.seq = seq;
  out.push_back({FactChange::Kind::erase, f});
}

// Keeps the first resolution's flags equal to what the life says now.
void refresh_flags(const TicketLife& before, const TicketLife& after, FactChanges& out) {
  if (!after.first_resolved_at) return;
  const int flags = first_resolution_flags(after);
  if (before.first_resolved_at && flags == first_resolution_flags(before)) return;
  if (!before.first_resolved_at) return;  // inserted with its flags by facts_on_status
  Fact f;
  f.metric = Metric::first_resolution;
  f.at = *after.first_resolved_at;
  f.flags = flags;
  out.push_back({FactChange::Kind::set_flags, f});
}

}  // namespace

int first_resolution_flags(const TicketLife& life) {
  int flags = 0;
  if (life.reopen_count > 0) flags |= kFlagReopened;
  if (life.resolved_at && life.public_reply_count == 1 && life.reopen_count == 0)
    flags |= kFlagOneTouch;
  return flags;
}

void facts_on_start(const TicketLife& life, std::optional<std::int64_t> assignee,
                    FactChanges& out) {
  Fact created;
  created.metric = Metric::created;
  created.at = life.created_at;
  created.agent = assignee;
  insert(out, created);
  if (const auto span = span_of(life.status)) {
    Fact running;
    running.metric = *span;
    running.at = kRunning;
    running.seq = life.status_since;
    running.value = life.status_since;
    running.agent = assignee;
    insert(out, running);
  }
}

void facts_on_message(Credit& credit, const TicketLife& before, const TicketLife& after,
                      const MessageFact& message, std::optional<std::int64_t> author,
                      const LifeEffects& effects, std::int64_t message_seq,
                      const Calendar& business, FactChanges& out) {
  const bool public_agent_reply = message.author == ActorKind::agent && !message.internal;
  if (public_agent_reply) {
    if (!before.first_response_at && after.first_response_at) {
      Fact f;
      f.metric = Metric::first_response;
      f.at = message.at;
      f.agent = author;
      f.value = message.at - after.created_at;
      f.business = business.elapsed(after.created_at, message.at);
      insert(out, f);
    }
    if (effects.next_reply_ms && before.awaiting_reply_since) {
      Fact f;
      f.metric = Metric::next_reply;
      f.at = message.at;
      f.seq = message_seq;
      f.agent = author;
      f.value = message.at - *before.awaiting_reply_since;
      f.business = business.elapsed(*before.awaiting_reply_since, message.at);
      insert(out, f);
    }
    credit.last_public_agent = author;
  }
  if (before.status != after.status) {
    facts_on_status(credit, before, after, std::nullopt, message.at, business, out);
    return;  // the status facts refreshed the flags
  }
  refresh_flags(before, after, out);
}

void facts_on_status(Credit& credit, const TicketLife& before, const TicketLife& after,
                     std::optional<std::int64_t> actor, Millis at, const Calendar& business,
                     FactChanges& out) {
  if (before.status == after.status) return;
  if (const auto span = span_of(before.status)) {
    erase(out, *span, kRunning, before.status_since);
    if (at > before.status_since) {  // an empty stretch holds no instant: nothing to file
      Fact closed;
      closed.metric = *span;
      closed.at = at;
      closed.seq = before.status_since;
      closed.value = before.status_since;
      insert(out, closed);
    }
  }
  if (const auto span = span_of(after.status)) {
    Fact running;
    running.metric = *span;
    running.at = kRunning;
    running.seq = at;
    running.value = at;
    insert(out, running);
  }
  if (after.resolution_episode > before.resolution_episode) {
    Fact f;
    f.agent = actor;
    f.at = at;
    f.value = at - after.created_at;
    f.business = business.elapsed(after.created_at, at);
    if (!before.first_resolved_at) {
      f.metric = Metric::first_resolution;
      f.flags = first_resolution_flags(after);
      insert(out, f);
    }
    f.metric = Metric::full_resolution;
    f.flags = 0;
    insert(out, f);
    // The survey of this resolution credits the agent the customer dealt with.
    credit.credited_agent = credit.last_public_agent ? credit.last_public_agent : actor;
  }
  if (after.reopen_count > before.reopen_count && before.resolved_at)
    erase(out, Metric::full_resolution, *before.resolved_at, 0);
  refresh_flags(before, after, out);
}

void facts_on_survey_sent(const Credit& credit, int episode, Millis at, FactChanges& out) {
  Fact f;
  f.metric = Metric::survey_sent;
  f.at = at;
  f.seq = episode;
  f.agent = credit.credited_agent;
  insert(out, f);
}

void facts_on_survey_answer(std::optional<std::int64_t> credited_agent, int episode, Millis sent_at,
                            Millis at, int csat, std::optional<int> nps, std::optional<int> ces,
                            FactChanges& out) {
  Fact f;
  f.metric = Metric::survey_answer;
  f.at = at;
  f.seq = episode;
  f.agent = credited_agent;
  f.csat = csat;
  f.nps = nps;
  f.ces = ces;
  insert(out, f);
  Fact sent;
  sent.metric = Metric::survey_sent;
  sent.at = sent_at;
  sent.seq = episode;
  sent.flags = kFlagAnswered;
  out.push_back({FactChange::Kind::set_flags, sent});
}

namespace {

Fact sla_fact(Metric metric, const TargetClock& c) {
  Fact f;
  f.metric = metric;
  f.at = *c.decided_at;
  f.value = c.due_at.value_or(0);
  // Next replies: several targets per ticket; the due time tells them apart.
  f.seq = metric == Metric::sla_next_reply ? f.value : 0;
  f.flags = c.outcome == SlaOutcome::achieved ? kFlagAchieved : 0;
  return f;
}

}  // namespace

void facts_on_sla(const SlaClock& before, const SlaClock& after, FactChanges& out) {
  const std::pair<Metric, const TargetClock SlaClock::*> targets[] = {
      {Metric::sla_first_response, &SlaClock::first_response},
      {Metric::sla_next_reply, &SlaClock::next_reply},
      {Metric::sla_resolution, &SlaClock::resolution}};
  for (const auto& [metric, member] : targets) {
    const TargetClock& was = before.*member;
    const TargetClock& now = after.*member;
    const bool was_decided = was.outcome && was.decided_at;
    const bool is_decided = now.outcome && now.decided_at;
    if (was_decided && is_decided && was == now) continue;
    // A decided next-reply outcome stays when the next phase's target replaces it.
    if (was_decided && metric != Metric::sla_next_reply) {
      const Fact old = sla_fact(metric, was);
      erase(out, metric, old.at, old.seq);
    }
    if (is_decided) insert(out, sla_fact(metric, now));
  }
}

}  // namespace hd::domain::kpi
