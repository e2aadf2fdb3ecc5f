#pragma once

#include <optional>
#include <string>

#include "domain/satisfaction.hpp"
#include "store/database.hpp"
#include "store/records.hpp"
#include "store/survey_records.hpp"
#include "store/tickets.hpp"

namespace hd::store {

// The satisfaction workflow: what a survey does to its ticket. It sits above the ticket store
// (it moves tickets through change_status and raise_priority) and the survey rows
// (store/survey_records), and queues its follow-up jobs through the jobs store.

/// A survey with what a mail or the survey page shows about it.
struct SurveyContext {
  SurveyRecord survey;
  TicketRecord ticket;
  std::string agent_name;
};

/// The satisfaction check of (ticket, episode) is due. Returns nothing when the ticket no longer
/// waits for it (reopened, closed, a later episode). Otherwise creates the survey once (state
/// preparing, credited to the agent of the last public reply). Its link's token is added with
/// put_survey_token when the mail is recorded (store/mails.hpp: begin_mail).
std::optional<SurveyContext> prepare_survey(Tx& tx, Id ticket_id, int episode, Millis now);

/// The check mail went out: the ticket moves resolved -> follow_up, the survey is sent and its
/// reminder and expiry are queued. Returns false (and cancels the survey) if the ticket was
/// reopened in the meantime.
bool mark_survey_sent(Tx& tx, Id survey_id, Millis now, Millis reminder_at, Millis expires_at,
                      const TicketPolicy& policy);

/// A resolution that gets no survey (the customer opted out, or the team doesn't survey):
/// the system closes it directly. Nothing happens if the ticket moved on already.
void close_without_survey(Tx& tx, Id ticket_id, int episode, const std::string& reason, Millis now,
                          const TicketPolicy& policy);

/// The reminder is due: returns nothing unless the survey can still be answered.
std::optional<SurveyContext> prepare_reminder(Tx& tx, Id survey_id, Millis now);

/// No answer by the deadline: the survey expires and the ticket closes, counted as not
/// answered. Nothing happens to an answered or cancelled survey.
void expire_survey(Tx& tx, Id survey_id, Millis now, const TicketPolicy& policy);

/// The survey a token opens, or nothing for an unknown token.
std::optional<SurveyContext> find_survey_by_token(Connection& db, const std::string& token_hash);

struct AnswerResult {
  SurveyRecord survey;
  bool reopened = false;
};

/// Records the customer's answer and applies it: close, or reopen with the priority raised and
/// a `notify_dissatisfied` job queued. Refuses not_found (unknown token), conflict (answered
/// already) and gone (expired or cancelled), changing nothing.
AnswerResult answer_survey(Tx& tx, const std::string& token_hash,
                           const domain::SurveyAnswer& answer, int reopen_at_or_below, Millis now,
                           const TicketPolicy& policy);

/// The customer behind a survey token opts out of all future surveys.
CustomerRecord opt_out_of_surveys(Tx& tx, const std::string& token_hash, Millis now);

}  // namespace hd::store
