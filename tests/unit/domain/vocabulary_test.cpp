#include "domain/vocabulary.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cctype>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>

namespace hd::domain {
namespace {

// Every name of a vocabulary must print and parse back to the same value, be unique, and be
// the exact lower-case spelling; near misses must not parse.
template <class Enum, std::size_t N, class Parse>
void check_names(const std::array<const char*, N>& names, Parse parse) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < N; ++i) {
    const auto value = static_cast<Enum>(i);
    const std::string name = names[i];
    CAPTURE(name);
    CHECK(to_string(value) == name);
    REQUIRE(parse(name).has_value());
    CHECK(*parse(name) == value);
    CHECK(seen.insert(name).second);

    std::string upper = name;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK_FALSE(parse(upper).has_value());
    CHECK_FALSE(parse(" " + name).has_value());
    CHECK_FALSE(parse(name + " ").has_value());
    CHECK_FALSE(parse(name + "s").has_value());
    CHECK_FALSE(parse(name.substr(0, name.size() - 1)).has_value());
    CHECK_FALSE(parse(std::string_view(name.c_str(), name.size() + 1)).has_value());  // with NUL
  }
  CHECK_FALSE(parse("").has_value());
  CHECK_FALSE(parse("unknown").has_value());
}

}  // namespace

TEST_CASE("vocabulary: names print and parse back") {
  SUBCASE("status") {
    CHECK(kStatusNames.size() == 5);
    check_names<Status>(kStatusNames, parse_status);
    CHECK(to_string(Status::follow_up) == "follow_up");
    CHECK_FALSE(parse_status("follow-up").has_value());
  }
  SUBCASE("priority") {
    CHECK(kPriorityNames.size() == 4);
    check_names<Priority>(kPriorityNames, parse_priority);
  }
  SUBCASE("channel") {
    CHECK(kChannelNames.size() == 5);
    check_names<Channel>(kChannelNames, parse_channel);
  }
  SUBCASE("role") {
    CHECK(kRoleNames.size() == 3);
    check_names<Role>(kRoleNames, parse_role);
  }
  SUBCASE("actor kind") {
    CHECK(kActorKindNames.size() == 3);
    check_names<ActorKind>(kActorKindNames, parse_actor_kind);
  }
}

TEST_CASE("vocabulary: the names are the lifecycle of KPIS.md, in order") {
  CHECK(to_string(Status::open) == "open");
  CHECK(to_string(Status::pending) == "pending");
  CHECK(to_string(Status::resolved) == "resolved");
  CHECK(to_string(Status::follow_up) == "follow_up");
  CHECK(to_string(Status::closed) == "closed");
  CHECK(to_string(Role::agent) == "agent");
  CHECK(to_string(Role::supervisor) == "supervisor");
  CHECK(to_string(Role::admin) == "admin");
  CHECK(to_string(ActorKind::customer) == "customer");
  CHECK(to_string(ActorKind::agent) == "agent");
  CHECK(to_string(ActorKind::system) == "system");
}

TEST_CASE("role_at_least: agent < supervisor < admin") {
  CHECK(role_at_least(Role::agent, Role::agent));
  CHECK_FALSE(role_at_least(Role::agent, Role::supervisor));
  CHECK_FALSE(role_at_least(Role::agent, Role::admin));
  CHECK(role_at_least(Role::supervisor, Role::agent));
  CHECK(role_at_least(Role::supervisor, Role::supervisor));
  CHECK_FALSE(role_at_least(Role::supervisor, Role::admin));
  CHECK(role_at_least(Role::admin, Role::agent));
  CHECK(role_at_least(Role::admin, Role::supervisor));
  CHECK(role_at_least(Role::admin, Role::admin));
}

TEST_CASE("raised: one step up, saturating at urgent") {
  CHECK(raised(Priority::low) == Priority::normal);
  CHECK(raised(Priority::normal) == Priority::high);
  CHECK(raised(Priority::high) == Priority::urgent);
  CHECK(raised(Priority::urgent) == Priority::urgent);
  CHECK(raised(raised(raised(raised(Priority::low)))) == Priority::urgent);
}

}  // namespace hd::domain

namespace hd::domain {

TEST_CASE("event types and survey states: names round-trip and nothing else parses") {
  for (std::size_t i = 0; i < kEventTypeNames.size(); ++i) {
    const auto type = static_cast<EventType>(i);
    CAPTURE(kEventTypeNames[i]);
    CHECK(parse_event_type(to_string(type)) == type);
  }
  for (std::size_t i = 0; i < kSurveyStateNames.size(); ++i) {
    const auto state = static_cast<SurveyState>(i);
    CAPTURE(kSurveyStateNames[i]);
    CHECK(parse_survey_state(to_string(state)) == state);
  }
  // The names are stored in the database and sent to integrations: they never change.
  CHECK(to_string(EventType::survey_answered) == "survey_answered");
  CHECK(to_string(EventType::linked) == "linked");
  CHECK(to_string(SurveyState::cancelled) == "cancelled");
  CHECK_FALSE(parse_event_type("Status"));
  CHECK_FALSE(parse_event_type(""));
  CHECK_FALSE(parse_survey_state("open"));
}

}  // namespace hd::domain
