#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/sla_clock.hpp"
#include "domain/ticket_life.hpp"

namespace hd::domain::kpi {

/// What a fact measures; stored as these numbers.
enum class Metric : int {
  created = 1,              ///< volume: the ticket was created
  first_response = 2,       ///< the first public agent reply
  next_reply = 3,           ///< a reply to a customer message that followed an agent reply
  first_resolution = 4,     ///< the first resolution (with reopened / one-touch flags)
  full_resolution = 5,      ///< the standing last resolution; gone while the ticket is reopened
  survey_sent = 6,          ///< a survey went out (flag: answered, whenever)
  survey_answer = 7,        ///< a survey's answer
  open_span = 8,            ///< a stretch in `open`, filed under its end
  pending_span = 9,         ///< a stretch in `pending`, filed under its end
  sla_first_response = 10,  ///< the first-response target was decided (flag: achieved)
  sla_next_reply = 11,      ///< a next-reply target was decided (one per target)
  sla_resolution = 12,      ///< the resolution target was decided
};

/// Whether `m` is a span of time in open or pending (filed under when it ended).
inline bool is_span(Metric m) {
  return m == Metric::open_span || m == Metric::pending_span;
}

/// Whether `m` is a response or resolution time: `value` calendar milliseconds that ended at its
/// instant, counted again in the business calendar of the ticket's SLA policy.
inline bool is_duration(Metric m) {
  return m == Metric::first_response || m == Metric::next_reply || m == Metric::first_resolution ||
         m == Metric::full_resolution;
}

/// A duration fact's business time in `calendar`: its `value` of wall time ended at `at`.
inline Millis duration_business(Millis at, Millis value, const Calendar& calendar) {
  return calendar.elapsed(at - value, at);
}

/// Whether `m` is an SLA outcome, filed under the instant it was decided (KPIS.md).
inline bool is_sla(Metric m) {
  return m == Metric::sla_first_response || m == Metric::sla_next_reply ||
         m == Metric::sla_resolution;
}

/// The end of a span that is still running.
inline constexpr Millis kRunning = std::numeric_limits<Millis>::max();

inline constexpr int kFlagReopened = 1;  ///< first_resolution: reopened since (so far)
inline constexpr int kFlagOneTouch = 2;  ///< first_resolution: one public reply, never reopened
inline constexpr int kFlagAnswered = 1;  ///< survey_sent: the survey was answered
inline constexpr int kFlagAchieved = 1;  ///< sla_*: achieved (else breached)

/// One measured thing of one ticket. (metric, at, seq) identify it within its ticket.
struct Fact {
  Metric metric = Metric::created;
  Millis at = 0;
  std::int64_t seq = 0;
  std::optional<std::int64_t> agent;  ///< the credited agent
  Millis value = 0;                   ///< calendar milliseconds (spans: the start)
  Millis business = 0;                ///< business milliseconds
  int flags = 0;
  std::optional<int> csat, nps, ces;
};

/// A change to a ticket's facts.
struct FactChange {
  enum class Kind { insert, erase, set_flags } kind = Kind::insert;
  Fact fact;  ///< erase and set_flags use metric, at and seq (and flags)
};
using FactChanges = std::vector<FactChange>;

/// What crediting needs to remember between a ticket's changes.
struct Credit {
  std::optional<std::int64_t> last_public_agent;  ///< author of the last public agent reply
  std::optional<std::int64_t> credited_agent;     ///< whom the current resolution's survey credits
  bool operator==(const Credit&) const = default;
};

/// The flags of the first resolution fact, as the life stands now.
int first_resolution_flags(const TicketLife& life);

/// A new ticket: its volume fact (credited to `assignee`) and its running open span.
void facts_on_start(const TicketLife& life, std::optional<std::int64_t> assignee, FactChanges& out);

/// A message was applied: `before` and `after` are the lives around on_message, `effects` what
/// it returned, `author` the agent (for agent messages), `message_seq` a number unique in the
/// ticket. Emits reply facts and, when the message moved the ticket, the status facts.
void facts_on_message(Credit& credit, const TicketLife& before, const TicketLife& after,
                      const MessageFact& message, std::optional<std::int64_t> author,
                      const LifeEffects& effects, std::int64_t message_seq,
                      const Calendar& business, FactChanges& out);

/// A status change was applied (`before` -> `after` at `at`) by `actor` (an agent, or nothing).
void facts_on_status(Credit& credit, const TicketLife& before, const TicketLife& after,
                     std::optional<std::int64_t> actor, Millis at, const Calendar& business,
                     FactChanges& out);

/// The survey of `episode` went out at `at`, credited to `credit.credited_agent`.
void facts_on_survey_sent(const Credit& credit, int episode, Millis at, FactChanges& out);

/// The survey of `episode`, sent at `sent_at`, was answered at `at`.
void facts_on_survey_answer(std::optional<std::int64_t> credited_agent, int episode, Millis sent_at,
                            Millis at, int csat, std::optional<int> nps, std::optional<int> ces,
                            FactChanges& out);

/// The SLA outcomes decided between two states of a ticket's clock: one fact per target that
/// became decided (or was decided differently), filed under its decision instant, its value
/// the target's due time (0 when it was met while paused), flagged when achieved. A first
/// response or resolution outcome that the new state no longer holds is erased; next-reply
/// outcomes stay when the next phase's target replaces them (one fact per decided target).
/// A recompute replaces all of a ticket's SLA facts instead (store::kpi::replace_sla_facts).
void facts_on_sla(const SlaClock& before, const SlaClock& after, FactChanges& out);

}  // namespace hd::domain::kpi
