#include "domain/customer_risk.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace hd::domain::risk {

std::string_view to_string(Reason reason) {
  switch (reason) {
    case Reason::bad_rating:
      return "bad_rating";
    case Reason::reopen:
      return "reopen";
    case Reason::sla_breach:
      return "sla_breach";
    default:
      return "long_wait";
  }
}

int weight(Reason reason) {
  switch (reason) {
    case Reason::bad_rating:
      return 3;
    case Reason::reopen:
    case Reason::sla_breach:
      return 2;
    default:
      return 1;
  }
}

std::vector<AtRisk> rank_at_risk(const std::vector<Signal>& signals) {
  // customer -> reason -> ticket -> its latest signal
  std::map<std::int64_t, std::map<Reason, std::map<std::int64_t, Millis>>> seen;
  for (const auto& s : signals) {
    auto& at = seen[s.customer_id][s.reason][s.ticket_id];
    at = std::max(at, s.at);
  }
  std::vector<AtRisk> ranked;
  for (const auto& [customer, reasons] : seen) {
    AtRisk entry{customer, 0, 0, {}};
    for (const auto& [reason, tickets] : reasons) {
      std::vector<std::pair<Millis, std::int64_t>> by_time;
      for (const auto& [ticket, at] : tickets) by_time.emplace_back(at, ticket);
      std::sort(by_time.begin(), by_time.end(), [](const auto& a, const auto& b) {
        return std::tie(b.first, a.second) < std::tie(a.first, b.second);
      });
      Evidence e{reason, {}, by_time.front().first};
      for (const auto& [at, ticket] : by_time) e.ticket_ids.push_back(ticket);
      entry.score += weight(reason) * static_cast<int>(e.ticket_ids.size());
      entry.last_at = std::max(entry.last_at, e.last_at);
      entry.reasons.push_back(std::move(e));
    }
    ranked.push_back(std::move(entry));
  }
  std::sort(ranked.begin(), ranked.end(), [](const AtRisk& a, const AtRisk& b) {
    return std::tie(b.score, b.last_at, a.customer_id) <
           std::tie(a.score, a.last_at, b.customer_id);
  });
  return ranked;
}

}  // namespace hd::domain::risk
