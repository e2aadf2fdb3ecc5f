#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "domain/business_calendar.hpp"
#include "domain/sla_policy.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

/// A business calendar as stored.
struct CalendarRecord {
  Id id = 0;
  std::string name;
  domain::CalendarSpec spec;
  bool is_default = false;
  std::int64_t version = 1;
  Millis created_at = 0, updated_at = 0;
};

/// An SLA policy as stored.
struct PolicyRecord {
  domain::SlaPolicy policy;
  Millis created_at = 0, updated_at = 0;
};

// Reads: any connection. Writes: the writer's Tx; they throw domain::Refusal for expected
// refusals. Writers REQUIRE a spec that BusinessCalendar::build accepted (the API checks it, so
// that one answer lists every problem).

std::vector<CalendarRecord> list_calendars(Connection& db);
std::optional<CalendarRecord> find_calendar(Connection& db, Id id);
CalendarRecord create_calendar(Tx& tx, const std::string& name, const domain::CalendarSpec& spec,
                               Millis now);
/// Replaces name and spec; refuses version_mismatch when `expected_version` is stale.
CalendarRecord update_calendar(Tx& tx, Id id, std::int64_t expected_version,
                               const std::string& name, const domain::CalendarSpec& spec,
                               Millis now);
/// Refuses the default calendar and one that a policy uses (conflict).
void delete_calendar(Tx& tx, Id id);

std::vector<PolicyRecord> list_policies(Connection& db);
std::optional<PolicyRecord> find_policy(Connection& db, Id id);
/// `policy.id`, `version` and `is_default` are ignored: a new policy is never the default.
PolicyRecord create_policy(Tx& tx, const domain::SlaPolicy& policy, Millis now);
/// Replaces everything but id and is_default; the version goes up by one.
PolicyRecord update_policy(Tx& tx, const domain::SlaPolicy& policy, std::int64_t expected_version,
                           Millis now);
/// Refuses the default policy (conflict).
void delete_policy(Tx& tx, Id id);

/// The policies and their built calendars as of one generation of the SLA tables.
struct SlaBook {
  std::vector<domain::SlaPolicy> policies;
  std::map<Id, std::shared_ptr<const domain::BusinessCalendar>> calendars;
  std::int64_t generation = 0;

  /// The policy that applies to `facts` with its calendar (never null after migration 0004).
  struct Applied {
    domain::SlaMatch match;
    const domain::Calendar* calendar = nullptr;
  };
  Applied apply(const domain::TicketFacts& facts) const;
  const domain::SlaPolicy* policy(Id id) const;
};

/// Loads the SLA tables into a book.
SlaBook load_sla_book(Connection& db);

/// The current SlaBook, reloaded when a calendar or policy write changed the generation.
/// Thread contract: any thread; a returned book is immutable and stays valid while held.
class SlaCatalog {
 public:
  std::shared_ptr<const SlaBook> current(Connection& db);
  /// The book last loaded (null before the first current()), without asking the database:
  /// for showing targets, where a moment's staleness does no harm.
  std::shared_ptr<const SlaBook> cached();

 private:
  std::mutex mutex_;  ///< guards book_
  std::shared_ptr<const SlaBook> book_;
};

}  // namespace hd::store
