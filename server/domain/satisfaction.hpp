#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "domain/clock.hpp"
#include "domain/errc.hpp"
#include "domain/vocabulary.hpp"

namespace hd::domain {

/// The [survey] settings, in one place: when the check, its reminder and its expiry run, what
/// the survey asks, and what an answer does. The configuration, the jobs, the ticket store and
/// the survey page all read this one struct.
struct SurveySettings {
  Millis delay_ms = 3'600'000;                  ///< the check runs this long after resolution
  Millis reminder_after_ms = 3LL * 86'400'000;  ///< after the check went out
  Millis expire_after_ms = 7LL * 86'400'000;    ///< after the check went out
  int reopen_at_or_below = 2;                   ///< a CSAT at or below this reopens the ticket
  bool ask_nps = true, ask_ces = true, ask_comment = true;
  std::set<std::int64_t> teams_without_survey;  ///< their resolutions close without a survey
};

/// What a customer answered on the survey page (KPIS.md: CSAT 1-5, resolved yes/no, optional
/// NPS 0-10, CES 1-7 and a comment).
struct SurveyAnswer {
  int csat = 0;
  bool resolved = false;
  std::optional<int> nps, ces;
  std::string comment;
};

/// What an answer does to the ticket: "yes" closes it; "no", or a CSAT at or below the
/// configured score, reopens it (with its priority raised and people notified).
enum class SurveyOutcome { close, reopen };

inline SurveyOutcome outcome_of(const SurveyAnswer& answer, int reopen_at_or_below) {
  return !answer.resolved || answer.csat <= reopen_at_or_below ? SurveyOutcome::reopen
                                                               : SurveyOutcome::close;
}

/// Whether a survey in `state`, expiring at `expires_at`, can still be answered at `now`: the
/// one rule for the survey page, its API and the store. errc::conflict when it was answered
/// already; errc::gone when it expired or was cancelled by a reopen. A survey still
/// `preparing` has a link only in a mail handed to the mail server, whose acceptance a crash
/// may have kept from being recorded: that link works.
inline result<void> can_answer(SurveyState state, std::optional<Millis> expires_at, Millis now) {
  if (state == SurveyState::answered) return errc::conflict;
  const bool went_out = state == SurveyState::sent || state == SurveyState::preparing;
  if (!went_out || (expires_at && now >= *expires_at)) return errc::gone;
  return {};
}

/// The first problem with the answer's ranges, or nothing when valid.
inline std::optional<std::string> answer_problem(const SurveyAnswer& a) {
  if (a.csat < 1 || a.csat > 5) return "csat must be from 1 to 5";
  if (a.nps && (*a.nps < 0 || *a.nps > 10)) return "nps must be from 0 to 10";
  if (a.ces && (*a.ces < 1 || *a.ces > 7)) return "ces must be from 1 to 7";
  if (a.comment.size() > 5000) return "comment must be at most 5000 characters";
  return std::nullopt;
}

}  // namespace hd::domain
