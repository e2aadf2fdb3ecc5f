#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace hd::domain {

/// Ticket lifecycle states of docs/METRICS.md.
enum class Status { open, pending, resolved, follow_up, closed };
enum class Priority { low, normal, high, urgent };
enum class Channel { email, web, phone, chat, api };
/// Staff roles, ordered: a higher role may do everything a lower one may.
enum class Role { agent, supervisor, admin };
/// Who wrote a message or caused an event.
enum class ActorKind { customer, agent, system };
/// What a ticket event records (docs/EVENTS.md lists each with its data).
enum class EventType {
  created,
  message,
  status,
  assigned,
  team,
  subject,
  priority,
  tags,
  linked,
  survey_answered,
  survey_expired,
  sla_recomputed,
  sla_warning,
  sla_breach
};
/// Where a satisfaction survey stands: created while its mail is being prepared, sent, then
/// answered or expired; cancelled when its ticket was reopened first.
enum class SurveyState { preparing, sent, answered, expired, cancelled };

inline constexpr std::array kStatusNames{"open", "pending", "resolved", "follow_up", "closed"};
inline constexpr std::array kPriorityNames{"low", "normal", "high", "urgent"};
inline constexpr std::array kChannelNames{"email", "web", "phone", "chat", "api"};
inline constexpr std::array kRoleNames{"agent", "supervisor", "admin"};
inline constexpr std::array kActorKindNames{"customer", "agent", "system"};
inline constexpr std::array kEventTypeNames{
    "created",        "message",        "status",      "assigned",  "team",
    "subject",        "priority",       "tags",        "linked",    "survey_answered",
    "survey_expired", "sla_recomputed", "sla_warning", "sla_breach"};
inline constexpr std::array kSurveyStateNames{"preparing", "sent", "answered", "expired",
                                              "cancelled"};

std::string_view to_string(Status s);
std::string_view to_string(Priority p);
std::string_view to_string(Channel c);
std::string_view to_string(Role r);
std::string_view to_string(ActorKind a);
std::string_view to_string(EventType e);
std::string_view to_string(SurveyState s);

/// Parsers return nullopt for anything but the exact lower-case name.
std::optional<Status> parse_status(std::string_view s);
std::optional<Priority> parse_priority(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<Role> parse_role(std::string_view s);
std::optional<ActorKind> parse_actor_kind(std::string_view s);
std::optional<EventType> parse_event_type(std::string_view s);
std::optional<SurveyState> parse_survey_state(std::string_view s);

/// True when `have` is at least `need` in the agent < supervisor < admin order.
inline bool role_at_least(Role have, Role need) {
  return have >= need;
}

/// The next priority up, saturating at urgent (a dissatisfied customer's ticket rises one step).
inline Priority raised(Priority p) {
  return p == Priority::urgent ? p : Priority(int(p) + 1);
}

}  // namespace hd::domain
