#include "store/survey_records.hpp"

#include <SQLiteCpp/Statement.h>

#include "store/sql_values.hpp"

namespace hd::store {
namespace {

#define HD_SURVEY_COLUMNS                                                                     \
  "s.id, s.ticket_id, s.episode, s.customer_id, s.agent_id, s.state, s.created_at, "          \
  "s.sent_at, s.reminded_at, s.expires_at, s.answered_at, s.csat, s.nps, s.ces, s.resolved, " \
  "COALESCE(s.comment, ''), COALESCE(u.name, '') "

constexpr const char* kFindSurvey = "SELECT " HD_SURVEY_COLUMNS
                                    "FROM surveys s LEFT JOIN users u ON u.id = s.agent_id "
                                    "WHERE s.id = ?";
constexpr const char* kFindSurveyByToken =
    "SELECT " HD_SURVEY_COLUMNS
    "FROM survey_tokens k JOIN surveys s ON s.id = k.survey_id "
    "LEFT JOIN users u ON u.id = s.agent_id WHERE k.token_hash = ?";
constexpr const char* kFindSurveyByEpisode =
    "SELECT id FROM surveys WHERE ticket_id = ? AND episode = ?";
constexpr const char* kInsertSurvey =
    "INSERT INTO surveys(ticket_id, episode, customer_id, agent_id, created_at) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kDeleteTokens =
    "DELETE FROM survey_tokens WHERE survey_id = ? AND purpose = ?";
constexpr const char* kInsertToken =
    "INSERT INTO survey_tokens(token_hash, survey_id, purpose, created_at) VALUES (?, ?, ?, ?)";
constexpr const char* kMarkSent =
    "UPDATE surveys SET state = 'sent', sent_at = ?, expires_at = ? WHERE id = ?";
constexpr const char* kSetState = "UPDATE surveys SET state = ? WHERE id = ?";
constexpr const char* kMarkReminded = "UPDATE surveys SET reminded_at = ? WHERE id = ?";
constexpr const char* kRecordAnswer =
    "UPDATE surveys SET state = 'answered', answered_at = ?, csat = ?, resolved = ?, nps = ?, "
    "ces = ?, comment = ? WHERE id = ?";
constexpr const char* kCancelOpen =
    "UPDATE surveys SET state = 'cancelled' WHERE ticket_id = ? "
    "AND state IN ('preparing', 'sent')";

SurveyRow read_survey(SQLite::Statement& s) {
  SurveyRow row;
  auto& r = row.survey;
  r.id = s.getColumn(0).getInt64();
  r.ticket_id = s.getColumn(1).getInt64();
  r.episode = s.getColumn(2).getInt();
  r.customer_id = s.getColumn(3).getInt64();
  r.agent_id = optional_id(s.getColumn(4));
  r.state = *domain::parse_survey_state(s.getColumn(5).getString());
  r.created_at = s.getColumn(6).getInt64();
  r.sent_at = optional_id(s.getColumn(7));
  r.reminded_at = optional_id(s.getColumn(8));
  r.expires_at = optional_id(s.getColumn(9));
  r.answered_at = optional_id(s.getColumn(10));
  auto small = [&](int i) -> std::optional<int> {
    if (s.getColumn(i).isNull()) return std::nullopt;
    return s.getColumn(i).getInt();
  };
  r.csat = small(11);
  r.nps = small(12);
  r.ces = small(13);
  if (auto resolved = small(14)) r.resolved = *resolved != 0;
  r.comment = s.getColumn(15).getString();
  row.agent_name = s.getColumn(16).getString();
  return row;
}

}  // namespace

std::optional<SurveyRow> find_survey_row(Connection& db, Id survey_id) {
  auto& s = db.statement(kFindSurvey);
  s.bind(1, survey_id);
  if (!s.executeStep()) return std::nullopt;
  auto row = read_survey(s);
  s.reset();
  return row;
}

std::optional<SurveyRow> find_survey_row_by_token(Connection& db, const std::string& token_hash) {
  auto& s = db.statement(kFindSurveyByToken);
  bind_blob(s, 1, token_hash);
  if (!s.executeStep()) return std::nullopt;
  auto row = read_survey(s);
  s.reset();
  return row;
}

std::optional<Id> find_survey_id(Connection& db, Id ticket_id, int episode) {
  auto& s = db.statement(kFindSurveyByEpisode);
  s.bind(1, ticket_id);
  s.bind(2, episode);
  if (!s.executeStep()) return std::nullopt;
  const Id id = s.getColumn(0).getInt64();
  s.reset();
  return id;
}

Id insert_survey(Tx& tx, Id ticket_id, int episode, Id customer_id, std::optional<Id> agent_id,
                 Millis now) {
  auto& insert = tx.connection().statement(kInsertSurvey);
  insert.bind(1, ticket_id);
  insert.bind(2, episode);
  insert.bind(3, customer_id);
  bind_optional(insert, 4, agent_id);
  insert.bind(5, now);
  insert.exec();
  return tx.connection().last_insert_id();
}

void put_survey_token(Tx& tx, Id survey_id, const char* purpose, const std::string& token_hash,
                      Millis now) {
  auto& del = tx.connection().statement(kDeleteTokens);
  del.bind(1, survey_id);
  del.bind(2, purpose);
  del.exec();
  auto& ins = tx.connection().statement(kInsertToken);
  bind_blob(ins, 1, token_hash);
  ins.bind(2, survey_id);
  ins.bind(3, purpose);
  ins.bind(4, now);
  ins.exec();
}

void set_survey_state(Tx& tx, Id survey_id, domain::SurveyState state) {
  auto& s = tx.connection().statement(kSetState);
  bind_text(s, 1, domain::to_string(state));
  s.bind(2, survey_id);
  s.exec();
}

void mark_survey_row_sent(Tx& tx, Id survey_id, Millis now, std::optional<Millis> expires_at) {
  auto& s = tx.connection().statement(kMarkSent);
  s.bind(1, now);
  bind_optional(s, 2, expires_at);
  s.bind(3, survey_id);
  s.exec();
}

void mark_reminded(Tx& tx, Id survey_id, Millis now) {
  auto& s = tx.connection().statement(kMarkReminded);
  s.bind(1, now);
  s.bind(2, survey_id);
  s.exec();
}

void record_survey_answer(Tx& tx, Id survey_id, const domain::SurveyAnswer& answer, Millis now) {
  auto& s = tx.connection().statement(kRecordAnswer);
  s.bind(1, now);
  s.bind(2, answer.csat);
  s.bind(3, answer.resolved ? 1 : 0);
  bind_optional(s, 4, answer.nps);
  bind_optional(s, 5, answer.ces);
  s.bind(6, answer.comment);
  s.bind(7, survey_id);
  s.exec();
}

void cancel_open_surveys(Tx& tx, Id ticket_id, Millis /*now*/) {
  auto& s = tx.connection().statement(kCancelOpen);
  s.bind(1, ticket_id);
  s.exec();
}

}  // namespace hd::store
