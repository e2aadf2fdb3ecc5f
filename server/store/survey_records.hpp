#pragma once

#include <optional>
#include <string>

#include "domain/satisfaction.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store {

// The owner of `surveys` and `survey_tokens`: the rows of satisfaction surveys and the hashes
// of the links that open them. The satisfaction workflow (store/surveys) and the ticket store
// (a reopen cancels the open survey) change these rows only through this module.
// Writes run on the writer thread inside the caller's write; reads on any connection.

struct SurveyRecord {
  Id id = 0;
  Id ticket_id = 0;
  int episode = 0;
  Id customer_id = 0;
  std::optional<Id> agent_id;
  domain::SurveyState state = domain::SurveyState::preparing;
  Millis created_at = 0;
  std::optional<Millis> sent_at, reminded_at, expires_at, answered_at;
  std::optional<int> csat, nps, ces;
  std::optional<bool> resolved;
  std::string comment;
};

/// A survey row with the name of the agent it is credited to ("" for none).
struct SurveyRow {
  SurveyRecord survey;
  std::string agent_name;
};

std::optional<SurveyRow> find_survey_row(Connection& db, Id survey_id);
std::optional<SurveyRow> find_survey_row_by_token(Connection& db, const std::string& token_hash);
std::optional<Id> find_survey_id(Connection& db, Id ticket_id, int episode);

/// Creates the survey of (ticket, episode), state preparing. Returns its id.
Id insert_survey(Tx& tx, Id ticket_id, int episode, Id customer_id, std::optional<Id> agent_id,
                 Millis now);

/// Makes `token_hash` the survey's token for `purpose` ("check" or "reminder"), replacing an
/// earlier one of the same purpose.
void put_survey_token(Tx& tx, Id survey_id, const char* purpose, const std::string& token_hash,
                      Millis now);

void set_survey_state(Tx& tx, Id survey_id, domain::SurveyState state);
void mark_survey_row_sent(Tx& tx, Id survey_id, Millis now, std::optional<Millis> expires_at);
void mark_reminded(Tx& tx, Id survey_id, Millis now);
void record_survey_answer(Tx& tx, Id survey_id, const domain::SurveyAnswer& answer, Millis now);

/// A reopen cancels the ticket's survey that is not answered yet.
void cancel_open_surveys(Tx& tx, Id ticket_id, Millis now);

}  // namespace hd::store
