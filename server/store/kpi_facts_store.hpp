#pragma once

#include <optional>
#include <string>

#include "domain/kpi_facts.hpp"
#include "store/database.hpp"
#include "store/records.hpp"

namespace hd::store::kpi {

/// A ticket's current values that its facts are stamped with (KPIS.md: breakdowns use the
/// ticket's current team, channel, priority and organisation; volume and backlog its current
/// assignee).
struct TicketDims {
  Id ticket_id = 0;
  std::optional<Id> assignee, team, organization;
  int channel = 0, priority = 0;
  Millis created_at = 0;
};

/// The id of organisation `name`, created on first use; nothing for an empty name.
/// Runs on the writer.
std::optional<Id> organization_id(Connection& db, const std::string& name);

/// The dims of `ticket` (resolving its customer's organisation).
TicketDims dims_of(Connection& db, const TicketRecord& ticket);

/// Writes `changes` for the ticket of `dims`. Survey facts keep the team and channel recorded
/// on their survey: pass them as `survey_team`/`survey_channel`.
void apply(Tx& tx, const TicketDims& dims, const domain::kpi::FactChanges& changes,
           std::optional<Id> survey_team = std::nullopt,
           std::optional<int> survey_channel = std::nullopt);

/// Bumps the version of every (metric, UTC day) of `facts` (metric, at) once, as reports expect
/// of any change to a fact of that day (kpi_fact_cache.hpp); new facts are counted here, once a
/// batch (Tx::note_fact_day), changed and deleted ones by triggers. Empties `facts`.
void bump_fact_days(Connection& db, std::vector<std::pair<int, std::int64_t>>& facts);

/// The crediting memory of a ticket (empty for a ticket without a row yet).
domain::kpi::Credit load_credit(Connection& db, Id ticket_id);
void save_credit(Connection& db, Id ticket_id, const domain::kpi::Credit& credit);

/// Re-stamps every fact of the ticket after its team, priority or assignee changed; survey
/// facts keep the team and channel they were credited with.
void restamp(Connection& db, const TicketDims& dims);

// The hooks the ticket and survey writes call, inside their own transaction.

/// A ticket was created (before its first message is applied).
void on_created(Tx& tx, const TicketRecord& ticket);
/// A message was applied to `ticket` (its life after), `before` the life before.
void on_message(Tx& tx, const TicketRecord& ticket, const domain::TicketLife& before,
                const domain::MessageFact& message, std::optional<Id> author,
                const domain::LifeEffects& effects, Id message_id,
                const domain::Calendar& business);
/// A status change was applied to `ticket`.
void on_status(Tx& tx, const TicketRecord& ticket, const domain::TicketLife& before,
               std::optional<Id> actor, Millis at, const domain::Calendar& business);
/// The team, priority or assignee of `ticket` changed.
void on_fields(Tx& tx, const TicketRecord& ticket);
/// The survey of `episode` was sent at `at`: records whom it credits on the survey row.
void on_survey_sent(Tx& tx, const TicketRecord& ticket, Id survey_id, int episode, Millis at);
/// The ticket's SLA clock moved from `before` to `ticket.sla` (a step, or a breach settled by
/// the watch job): files the outcomes that were decided (KPIS.md: under their decision).
void on_sla(Tx& tx, const TicketRecord& ticket, const domain::SlaClock& before);
/// The ticket's SLA clock was recomputed (a policy or calendar edit, a re-match): its SLA facts
/// become exactly the inserts of `decided`, the outcomes the replay decided.
void replace_sla_facts(Tx& tx, const TicketRecord& ticket, const domain::kpi::FactChanges& decided);
/// Counts the business time of the ticket's duration facts again in `business`, the calendar
/// of the SLA policy that now applies to it (KPIS.md: the ticket's SLA calendar).
void recount_business(Tx& tx, Id ticket_id, const domain::Calendar& business);
/// Whether facts of `metric` are credited to the ticket's current assignee.
bool follows_assignee(domain::kpi::Metric metric);

/// The survey was answered.
void on_survey_answered(Tx& tx, Id survey_id, Millis at, int csat, std::optional<int> nps,
                        std::optional<int> ces);

}  // namespace hd::store::kpi
