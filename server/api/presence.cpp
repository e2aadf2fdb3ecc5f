#include "api/presence.hpp"

#include <algorithm>

namespace hd::api {

bool Presence::beat(store::Id ticket_id, store::Id user_id, const std::string& name, bool replying,
                    domain::Millis now) {
  std::lock_guard lock(mutex_);
  auto& viewers = tickets_[ticket_id];
  auto [it, arrived] = viewers.try_emplace(user_id, Viewer{user_id, name, replying, now, now});
  const bool changed = arrived || it->second.replying != replying;
  it->second.replying = replying;
  it->second.seen = now;
  return changed;
}

bool Presence::leave(store::Id ticket_id, store::Id user_id) {
  std::lock_guard lock(mutex_);
  const auto t = tickets_.find(ticket_id);
  if (t == tickets_.end() || t->second.erase(user_id) == 0) return false;
  if (t->second.empty()) tickets_.erase(t);
  return true;
}

std::vector<Presence::Viewer> Presence::viewers(store::Id ticket_id) const {
  std::vector<Viewer> out;
  std::lock_guard lock(mutex_);
  if (const auto t = tickets_.find(ticket_id); t != tickets_.end())
    for (const auto& [id, viewer] : t->second) out.push_back(viewer);
  std::sort(out.begin(), out.end(), [](const Viewer& a, const Viewer& b) {
    return std::tie(a.since, a.user_id) < std::tie(b.since, b.user_id);
  });
  return out;
}

std::vector<store::Id> Presence::sweep(domain::Millis now) {
  std::vector<store::Id> changed;
  std::lock_guard lock(mutex_);
  for (auto t = tickets_.begin(); t != tickets_.end();) {
    const auto removed = std::erase_if(
        t->second, [now](const auto& entry) { return now - entry.second.seen > kLapseMs; });
    if (removed > 0) changed.push_back(t->first);
    t = t->second.empty() ? tickets_.erase(t) : std::next(t);
  }
  return changed;
}

}  // namespace hd::api
