#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::outreach {

// The owner of `customer_outreach`: who reached out to a customer at risk, when, and how it
// went. Writes run on the writer thread inside the caller's write; reads on any connection.

enum class Outcome { reached, no_answer, saved, lost };
std::optional<Outcome> parse_outcome(std::string_view text);
const char* to_string(Outcome outcome);

struct OutreachRecord {
  Id id = 0;
  Id customer_id = 0;
  std::string note;
  Outcome outcome = Outcome::reached;
  Id created_by = 0;
  std::string created_by_name;
  Millis created_at = 0;
};

/// Records an outreach by `by`. Refuses not_found when the customer does not exist.
OutreachRecord record(Tx& tx, Id customer_id, const std::string& note, Outcome outcome, Id by,
                      Millis now);

/// The customer's outreach, newest first, with ids below `before` when given.
std::vector<OutreachRecord> list(Connection& db, Id customer_id, int limit,
                                 std::optional<Id> before);

/// The customer's newest outreach, if any.
std::optional<OutreachRecord> last(Connection& db, Id customer_id);

}  // namespace hd::store::outreach
