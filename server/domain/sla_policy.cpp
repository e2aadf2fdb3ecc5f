#include "domain/sla_policy.hpp"

#include <algorithm>

namespace hd::domain {
namespace {

bool same_text(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

template <class T, class V>
bool allows(const std::vector<T>& list, const V& value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

std::string describe(const SlaPolicy& p, const TicketFacts& t) {
  std::vector<std::string> parts;
  const auto& c = p.conditions;
  if (!c.priorities.empty()) parts.push_back("priority is " + std::string(to_string(t.priority)));
  if (!c.team_ids.empty()) parts.push_back("team is " + std::to_string(*t.team_id));
  if (!c.channels.empty()) parts.push_back("channel is " + std::string(to_string(t.channel)));
  if (!c.organizations.empty()) parts.push_back("organization is \"" + t.organization + "\"");
  if (parts.empty()) return "policy \"" + p.name + "\" has no conditions";
  std::string text = "first policy in order whose conditions match: ";
  for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : "") + parts[i];
  return text;
}

}  // namespace

SlaMatch match_policy(const std::vector<SlaPolicy>& policies, const TicketFacts& ticket) {
  std::vector<const SlaPolicy*> ordered;
  const SlaPolicy* fallback = nullptr;
  for (const auto& p : policies) {
    if (p.is_default)
      fallback = &p;
    else
      ordered.push_back(&p);
  }
  std::sort(ordered.begin(), ordered.end(), [](const SlaPolicy* a, const SlaPolicy* b) {
    return a->position != b->position ? a->position < b->position : a->id < b->id;
  });
  for (const SlaPolicy* p : ordered) {
    const auto& c = p->conditions;
    const bool org_ok =
        c.organizations.empty() ||
        std::any_of(c.organizations.begin(), c.organizations.end(),
                    [&](const std::string& o) { return same_text(o, ticket.organization); });
    const bool team_ok =
        c.team_ids.empty() || (ticket.team_id && allows(c.team_ids, *ticket.team_id));
    if (allows(c.priorities, ticket.priority) && team_ok && allows(c.channels, ticket.channel) &&
        org_ok)
      return {p, describe(*p, ticket)};
  }
  if (fallback) return {fallback, "no other policy matches: the default policy applies"};
  return {};
}

}  // namespace hd::domain
