#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "store/records.hpp"

namespace hd::api {

/// Who is looking at which ticket right now, and who is writing a reply: kept in memory only
/// (it means nothing after a restart). No locks on tickets: this only tells people.
/// Thread contract: every member is thread-safe (one mutex).
class Presence {
 public:
  struct Viewer {
    store::Id user_id = 0;
    std::string name;
    bool replying = false;
    domain::Millis since = 0;  ///< first heartbeat of this visit
    domain::Millis seen = 0;   ///< last heartbeat
  };

  /// An entry lapses this long after its last heartbeat.
  static constexpr domain::Millis kLapseMs = 30'000;

  /// Records a heartbeat; returns whether the ticket's visible set changed (someone arrived or
  /// started/stopped replying).
  bool beat(store::Id ticket_id, store::Id user_id, const std::string& name, bool replying,
            domain::Millis now);

  /// Removes the user from the ticket; returns whether they were there.
  bool leave(store::Id ticket_id, store::Id user_id);

  /// The ticket's current viewers, by arrival.
  std::vector<Viewer> viewers(store::Id ticket_id) const;

  /// Drops lapsed entries; returns the tickets whose set changed.
  std::vector<store::Id> sweep(domain::Millis now);

 private:
  mutable std::mutex mutex_;  ///< guards tickets_
  std::map<store::Id, std::map<store::Id, Viewer>> tickets_;
};

}  // namespace hd::api
