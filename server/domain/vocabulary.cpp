#include "domain/vocabulary.hpp"

namespace hd::domain {
namespace {

template <class Enum, std::size_t N>
std::optional<Enum> parse_name(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<Enum>(i);
  return std::nullopt;
}

}  // namespace

std::string_view to_string(Status s) {
  return kStatusNames[std::size_t(s)];
}
std::string_view to_string(Priority p) {
  return kPriorityNames[std::size_t(p)];
}
std::string_view to_string(Channel c) {
  return kChannelNames[std::size_t(c)];
}
std::string_view to_string(Role r) {
  return kRoleNames[std::size_t(r)];
}
std::string_view to_string(ActorKind a) {
  return kActorKindNames[std::size_t(a)];
}

std::string_view to_string(EventType e) {
  return kEventTypeNames[std::size_t(e)];
}
std::string_view to_string(SurveyState s) {
  return kSurveyStateNames[std::size_t(s)];
}

std::optional<Status> parse_status(std::string_view s) {
  return parse_name<Status>(kStatusNames, s);
}
std::optional<Priority> parse_priority(std::string_view s) {
  return parse_name<Priority>(kPriorityNames, s);
}
std::optional<Channel> parse_channel(std::string_view s) {
  return parse_name<Channel>(kChannelNames, s);
}
std::optional<Role> parse_role(std::string_view s) {
  return parse_name<Role>(kRoleNames, s);
}
std::optional<ActorKind> parse_actor_kind(std::string_view s) {
  return parse_name<ActorKind>(kActorKindNames, s);
}

std::optional<EventType> parse_event_type(std::string_view s) {
  return parse_name<EventType>(kEventTypeNames, s);
}
std::optional<SurveyState> parse_survey_state(std::string_view s) {
  return parse_name<SurveyState>(kSurveyStateNames, s);
}

}  // namespace hd::domain
