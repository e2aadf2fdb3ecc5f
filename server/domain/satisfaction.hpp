#pragma once

#include <optional>
#include <string>

namespace hd::domain {

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

/// The first problem with the answer's ranges, or nothing when valid.
inline std::optional<std::string> answer_problem(const SurveyAnswer& a) {
  if (a.csat < 1 || a.csat > 5) return "csat must be from 1 to 5";
  if (a.nps && (*a.nps < 0 || *a.nps > 10)) return "nps must be from 0 to 10";
  if (a.ces && (*a.ces < 1 || *a.ces > 7)) return "ces must be from 1 to 7";
  if (a.comment.size() > 5000) return "comment must be at most 5000 characters";
  return std::nullopt;
}

}  // namespace hd::domain
