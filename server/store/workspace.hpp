#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// What the agents' workspace keeps besides tickets: view counts, personal saved views, canned
// responses, and a customer's past satisfaction. Reads: any connection; writes: the writer's Tx,
// throwing domain::Refusal for expected refusals.

/// The side bar's counts. `team_id` unset: my_team is 0.
struct ViewCounts {
  std::int64_t mine_open = 0, unassigned = 0, my_team = 0, pending = 0, all_open = 0,
               recently_updated = 0;
};
ViewCounts count_views(Connection& db, Id user_id, std::optional<Id> team_id, Millis updated_since);

struct SavedView {
  Id id = 0, user_id = 0;
  std::string name, query;
  Millis created_at = 0, updated_at = 0;
};
inline constexpr int kMaxSavedViews = 100;  ///< per user

std::vector<SavedView> list_saved_views(Connection& db, Id user_id);
/// Refuses a name the user already uses (conflict) and a view beyond kMaxSavedViews.
SavedView create_saved_view(Tx& tx, Id user_id, const std::string& name, const std::string& query,
                            Millis now);
/// Another user's view is not_found, like a missing one.
SavedView update_saved_view(Tx& tx, Id user_id, Id id, const std::optional<std::string>& name,
                            const std::optional<std::string>& query, Millis now);
void delete_saved_view(Tx& tx, Id user_id, Id id);

struct CannedResponse {
  Id id = 0;
  std::string title, body;
  std::optional<domain::Status> status;
  std::optional<domain::Priority> priority;
  std::vector<std::string> add_tags;
  Millis created_at = 0, updated_at = 0;
};
/// An engaged outer optional means "set"; for status/priority an inner nullopt clears.
struct CannedChange {
  std::optional<std::string> title, body;
  std::optional<std::optional<domain::Status>> status;
  std::optional<std::optional<domain::Priority>> priority;
  std::optional<std::vector<std::string>> add_tags;
};

std::vector<CannedResponse> list_canned_responses(Connection& db);
/// Refuses a title in use (conflict).
CannedResponse create_canned_response(Tx& tx, const CannedResponse& canned, Millis now);
CannedResponse update_canned_response(Tx& tx, Id id, const CannedChange& change, Millis now);
void delete_canned_response(Tx& tx, Id id);

struct SatisfactionAnswer {
  Id ticket_id = 0;
  std::string subject;
  int csat = 0;
  bool resolved = false;
  std::string comment;
  Millis answered_at = 0;
};
struct CustomerSatisfaction {
  std::int64_t answered = 0, unresolved = 0;
  std::optional<double> average_csat;
  std::vector<SatisfactionAnswer> items;  ///< newest first, at most 20
};
CustomerSatisfaction customer_satisfaction(Connection& db, Id customer_id);

}  // namespace hd::store
