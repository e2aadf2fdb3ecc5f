#include "domain/history_replay.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "domain/ticket_state.hpp"

namespace hd::domain::history {
namespace {

using FactKey = std::tuple<int, Millis, std::int64_t>;

// Applies fact changes to the ticket's fact set, as the store does row by row live.
void apply_changes(std::map<FactKey, kpi::Fact>& facts, const kpi::FactChanges& changes) {
  for (const auto& c : changes) {
    const FactKey key{static_cast<int>(c.fact.metric), c.fact.at, c.fact.seq};
    switch (c.kind) {
      case kpi::FactChange::Kind::insert:
        facts[key] = c.fact;
        break;
      case kpi::FactChange::Kind::erase:
        facts.erase(key);
        break;
      case kpi::FactChange::Kind::set_flags:
        if (auto it = facts.find(key); it != facts.end()) it->second.flags = c.fact.flags;
        break;
    }
  }
}

std::string status_text(Status s) {
  return std::string(to_string(s));
}

}  // namespace

ReplayResult replay(Millis created_at, const std::vector<Event>& events, const Calendar& business) {
  ReplayResult result;
  auto refuse = [&](std::size_t i, std::string field, std::string message) {
    result.refused = Refused{i, std::move(field), std::move(message)};
    return result;
  };
  Replayed r;
  const auto first_message = std::find_if(events.begin(), events.end(), [](const Event& e) {
    return e.type == Event::Type::message && !e.internal && e.actor != ActorKind::system;
  });
  const bool outbound = first_message != events.end() && first_message->actor == ActorKind::agent;
  r.life = start_life(created_at, outbound);
  std::map<FactKey, kpi::Fact> facts;
  kpi::FactChanges changes;
  kpi::facts_on_start(r.life, std::nullopt, changes);
  Millis last = created_at;

  // The status log entry and facts of a move made by on_status or on_message.
  auto moved = [&](std::size_t i, const TicketLife& before, ActorKind actor,
                   std::optional<std::int64_t> agent, const char* cause) {
    if (before.status == r.life.status) return;
    Logged l;
    l.kind = Logged::Kind::status;
    l.event_index = i;
    l.at = events[i].at;
    l.actor = actor;
    l.agent_id = agent;
    l.from = before.status;
    l.to = r.life.status;
    l.reopen = is_reopen(before.status, r.life.status);
    l.cause = cause;
    r.log.push_back(l);
    // A reopen cancels the episode's survey that was not answered (it counts as sent).
    if (l.reopen)
      for (auto& s : r.surveys)
        if (s.episode == before.resolution_episode && !s.answered_at) s.state = "cancelled";
  };

  for (std::size_t i = 0; i < events.size(); ++i) {
    const Event& e = events[i];
    if (e.at < last)
      return refuse(i, "at", "is earlier than the event before it (events must be in order)");
    last = e.at;
    const TicketLife before = r.life;
    switch (e.type) {
      case Event::Type::message: {
        if (e.actor == ActorKind::system)
          return refuse(i, "author", "must be customer or an agent");
        if (r.life.status == Status::closed && (e.actor == ActorKind::customer || !e.internal))
          return refuse(i, "type",
                        "a closed ticket takes only internal notes (a customer's message on a "
                        "closed ticket starts a new ticket: put it on a line of its own)");
        const MessageFact message{e.at, e.actor, e.internal};
        const auto effects = on_message(r.life, message, business);
        ++r.messages;
        Logged l;
        l.kind = Logged::Kind::message;
        l.event_index = i;
        l.at = e.at;
        l.actor = e.actor;
        l.agent_id = e.agent_id;
        l.next_reply_ms = effects.next_reply_ms;
        r.log.push_back(l);
        kpi::facts_on_message(r.credit, before, r.life, message, e.agent_id, effects, r.messages,
                              business, changes);
        moved(i, before, e.actor, e.agent_id, "customer_message");
        break;
      }
      case Event::Type::assign: {
        r.assignee = e.agent_id;
        Logged l;
        l.kind = Logged::Kind::assigned;
        l.event_index = i;
        l.at = e.at;
        l.actor = ActorKind::system;
        l.agent_id = e.agent_id;
        r.log.push_back(l);
        break;
      }
      case Event::Type::status: {
        // The system moves a ticket for the survey, or closes a resolution that got none.
        const auto from = r.life.status;
        const bool permitted =
            e.actor == ActorKind::system
                ? move_allowed(from, e.to, MoveAuthority::survey, Role::agent) ||
                      move_allowed(from, e.to, MoveAuthority::no_survey, Role::agent)
                : e.actor == ActorKind::agent &&
                      move_allowed(from, e.to, MoveAuthority::staff, Role::supervisor);
        if (!permitted)
          return refuse(i, "to",
                        "a ticket in '" + status_text(r.life.status) + "' cannot move to '" +
                            status_text(e.to) + "' by " +
                            (e.actor == ActorKind::system ? "the system" : "this author"));
        on_status(r.life, e.to, e.at, business);
        kpi::facts_on_status(r.credit, before, r.life,
                             e.actor == ActorKind::agent ? e.agent_id : std::nullopt, e.at,
                             business, changes);
        moved(i, before, e.actor, e.agent_id, nullptr);
        if (e.to == Status::closed)  // closed without an answer: the sent survey expired
          for (auto& s : r.surveys)
            if (s.episode == before.resolution_episode && !s.answered_at &&
                std::string_view(s.state) == "sent")
              s.state = "expired";
        break;
      }
      case Event::Type::survey_sent: {
        if (r.life.status != Status::resolved)
          return refuse(
              i, "type",
              "survey_sent needs a resolved ticket (it is '" + status_text(r.life.status) + "')");
        Survey s;
        s.episode = r.life.resolution_episode;
        s.agent_id = r.credit.credited_agent;
        s.sent_at = e.at;
        s.event_index = i;
        r.surveys.push_back(s);
        kpi::facts_on_survey_sent(r.credit, s.episode, e.at, changes);
        on_status(r.life, Status::follow_up, e.at, business);
        kpi::facts_on_status(r.credit, before, r.life, std::nullopt, e.at, business, changes);
        moved(i, before, ActorKind::system, std::nullopt, nullptr);
        break;
      }
      case Event::Type::survey_answer: {
        if (r.life.status != Status::follow_up || r.surveys.empty() ||
            r.surveys.back().episode != r.life.resolution_episode || r.surveys.back().answered_at)
          return refuse(i, "type", "survey_answer needs a survey sent since the last resolution");
        if (e.csat < 1 || e.csat > 5) return refuse(i, "csat", "must be from 1 to 5");
        if (e.nps && (*e.nps < 0 || *e.nps > 10)) return refuse(i, "nps", "must be from 0 to 10");
        if (e.ces && (*e.ces < 1 || *e.ces > 7)) return refuse(i, "ces", "must be from 1 to 7");
        Survey& s = r.surveys.back();
        s.answered_at = e.at;
        s.csat = e.csat;
        s.nps = e.nps;
        s.ces = e.ces;
        s.resolved = e.resolved;
        s.state = "answered";
        s.answer_index = i;
        Logged l;
        l.kind = Logged::Kind::survey_answered;
        l.event_index = i;
        l.at = e.at;
        r.log.push_back(l);
        kpi::facts_on_survey_answer(s.agent_id, s.episode, s.sent_at, e.at, e.csat, e.nps, e.ces,
                                    changes);
        const bool reopen = e.reopen.value_or(!e.resolved);
        on_status(r.life, reopen ? Status::open : Status::closed, e.at, business);
        kpi::facts_on_status(r.credit, before, r.life, std::nullopt, e.at, business, changes);
        moved(i, before, ActorKind::system, std::nullopt, "survey");
        break;
      }
    }
    apply_changes(facts, changes);
    changes.clear();
  }
  apply_changes(facts, changes);
  r.facts.reserve(facts.size());
  for (auto& [key, f] : facts) r.facts.push_back(f);
  result.ticket = std::move(r);
  return result;
}

}  // namespace hd::domain::history
