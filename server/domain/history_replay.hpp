#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/kpi_facts.hpp"
#include "domain/ticket_life.hpp"
#include "domain/vocabulary.hpp"

namespace hd::domain::history {

/// One event of an imported ticket's history (IMPORT.md), with its people already resolved:
/// `actor` is the customer, an agent (`agent_id`) or the system.
struct Event {
  enum class Type { message, assign, status, survey_sent, survey_answer };
  Type type = Type::message;
  Millis at = 0;
  ActorKind actor = ActorKind::customer;
  std::optional<std::int64_t> agent_id;  ///< message author, status mover, or the assignee
  bool internal = false;                 ///< message
  Status to = Status::open;              ///< status
  int csat = 0;                          ///< survey_answer
  std::optional<int> nps, ces;
  bool resolved = true;
  std::optional<bool>
      reopen;  ///< survey_answer: the answer reopened the ticket (default !resolved)
};

/// A survey as the history leaves it: sent, then answered, cancelled by a reopen, expired
/// (the ticket closed without an answer) or still waiting.
struct Survey {
  int episode = 0;
  std::optional<std::int64_t> agent_id;  ///< credited (KPIS.md), recorded when sent
  Millis sent_at = 0;
  std::optional<Millis> answered_at;
  int csat = 0;
  std::optional<int> nps, ces;
  bool resolved = false;
  const char* state = "sent";
  std::size_t event_index = 0;  ///< the survey_sent event
  std::optional<std::size_t> answer_index;
};

/// What an event did, for the ticket's own event log.
struct Logged {
  enum class Kind { message, assigned, status, survey_answered, survey_expired };
  Kind kind = Kind::message;
  std::size_t event_index = 0;  ///< the input event it came from
  Millis at = 0;
  ActorKind actor = ActorKind::system;
  std::optional<std::int64_t> agent_id;
  Status from = Status::open, to = Status::open;
  bool reopen = false;
  const char* cause = nullptr;  ///< status moved by a message or a survey answer
  std::optional<Millis> next_reply_ms;
};

/// The ticket after its history: the fold, its assignee, its log, surveys and KPI facts.
struct Replayed {
  TicketLife life;
  std::optional<std::int64_t> assignee;
  kpi::Credit credit;
  std::vector<Logged> log;
  std::vector<Survey> surveys;
  std::vector<kpi::Fact> facts;  ///< the ticket's final facts (changes applied)
  int messages = 0;
};

/// Why a history was refused: which event (or none: the ticket) and which field.
struct Refused {
  std::optional<std::size_t> event_index;
  std::string field, message;
};

/// Replays `events` from `created_at` through the same state machine (ticket_state) and fold
/// (ticket_life, kpi_facts) as live tickets. An outbound ticket is one whose first message is
/// a public agent reply. Survey outcomes are taken as given: no delay, reminder or expiry.
/// Returns the refusal of the first event the state machine refuses.
struct ReplayResult {
  std::optional<Replayed> ticket;
  std::optional<Refused> refused;
};
ReplayResult replay(Millis created_at, const std::vector<Event>& events, const Calendar& business);

}  // namespace hd::domain::history
