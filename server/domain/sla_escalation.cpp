#include "domain/sla_escalation.hpp"

namespace hd::domain {

EscalationChange escalate(const std::vector<EscalationStep>& steps, std::string_view when,
                          std::string_view target, const EscalationFacts& ticket) {
  EscalationChange change;
  Priority priority = ticket.priority;
  for (const auto& step : steps) {
    if (step.when != when || (!step.target.empty() && step.target != target)) continue;
    if (step.priority && *step.priority > priority) priority = *step.priority;
    if (step.team_id) change.team_id = step.team_id;
    if (step.assignee_id) change.assignee_id = step.assignee_id;
  }
  if (priority != ticket.priority) change.priority = priority;
  if (change.team_id == ticket.team_id) change.team_id.reset();
  if (change.assignee_id == ticket.assignee_id) change.assignee_id.reset();
  return change;
}

}  // namespace hd::domain
