#include "store/sla_store.hpp"

#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include "domain/refusal.hpp"
#include "store/sql_values.hpp"

namespace hd::store {
using domain::errc;
using domain::Refusal;

namespace {

constexpr const char* kListCalendars =
    "SELECT id, name, time_zone, is_default, version, created_at, updated_at FROM sla_calendars "
    "ORDER BY id";
constexpr const char* kFindCalendar =
    "SELECT id, name, time_zone, is_default, version, created_at, updated_at FROM sla_calendars "
    "WHERE id = ?";
constexpr const char* kCalendarHours =
    "SELECT weekday, opens, closes FROM sla_calendar_hours WHERE calendar_id = ? "
    "ORDER BY weekday, position";
constexpr const char* kCalendarHolidays =
    "SELECT date, yearly, from_time, to_time, name FROM sla_calendar_holidays "
    "WHERE calendar_id = ? ORDER BY position";
constexpr const char* kInsertCalendar =
    "INSERT INTO sla_calendars(name, time_zone, created_at, updated_at) VALUES (?, ?, ?, ?)";
constexpr const char* kUpdateCalendar =
    "UPDATE sla_calendars SET name = ?, time_zone = ?, version = version + 1, updated_at = ? "
    "WHERE id = ?";
// A calendar edit changes what its policies do: each gets a new version.
constexpr const char* kBumpPoliciesOfCalendar =
    "UPDATE sla_policies SET version = version + 1, updated_at = ? WHERE calendar_id = ?";
constexpr const char* kDeleteHours = "DELETE FROM sla_calendar_hours WHERE calendar_id = ?";
constexpr const char* kDeleteHolidays = "DELETE FROM sla_calendar_holidays WHERE calendar_id = ?";
constexpr const char* kInsertHour =
    "INSERT INTO sla_calendar_hours(calendar_id, weekday, position, opens, closes) "
    "VALUES (?, ?, ?, ?, ?)";
constexpr const char* kInsertHoliday =
    "INSERT INTO sla_calendar_holidays(calendar_id, position, date, yearly, from_time, to_time, "
    "name) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kCalendarInUse = "SELECT count(*) FROM sla_policies WHERE calendar_id = ?";
constexpr const char* kDeleteCalendar = "DELETE FROM sla_calendars WHERE id = ?";

constexpr const char* kListPolicies =
    "SELECT id, name, calendar_id, position, is_default, first_response_minutes, "
    "next_reply_minutes, resolution_minutes, version, created_at, updated_at FROM sla_policies "
    "ORDER BY is_default, position, id";
constexpr const char* kFindPolicy =
    "SELECT id, name, calendar_id, position, is_default, first_response_minutes, "
    "next_reply_minutes, resolution_minutes, version, created_at, updated_at FROM sla_policies "
    "WHERE id = ?";
constexpr const char* kPolicyConditions =
    "SELECT field, value FROM sla_policy_conditions WHERE policy_id = ? ORDER BY field, value";
constexpr const char* kInsertPolicy =
    "INSERT INTO sla_policies(name, calendar_id, position, first_response_minutes, "
    "next_reply_minutes, resolution_minutes, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kUpdatePolicy =
    "UPDATE sla_policies SET name = ?, calendar_id = ?, position = ?, "
    "first_response_minutes = ?, next_reply_minutes = ?, resolution_minutes = ?, "
    "version = version + 1, updated_at = ? WHERE id = ?";
constexpr const char* kDeleteConditions = "DELETE FROM sla_policy_conditions WHERE policy_id = ?";
constexpr const char* kInsertCondition =
    "INSERT OR IGNORE INTO sla_policy_conditions(policy_id, field, value) VALUES (?, ?, ?)";
constexpr const char* kPolicyEscalations =
    "SELECT on_alert, target, priority, team_id, assignee_id FROM sla_policy_escalations "
    "WHERE policy_id = ? ORDER BY position";
constexpr const char* kDeleteEscalations = "DELETE FROM sla_policy_escalations WHERE policy_id = ?";
constexpr const char* kInsertEscalation =
    "INSERT INTO sla_policy_escalations(policy_id, position, on_alert, target, priority, team_id, "
    "assignee_id) VALUES (?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kDeletePolicy = "DELETE FROM sla_policies WHERE id = ?";
constexpr const char* kClearTicketPolicy =
    "UPDATE tickets SET sla_policy_id = NULL WHERE sla_policy_id = ?";

constexpr const char* kGeneration = "SELECT value FROM sla_generation WHERE id = 1";
constexpr const char* kBumpGeneration = "UPDATE sla_generation SET value = random() WHERE id = 1";

void bump_generation(Tx& tx) {
  tx.connection().run(kBumpGeneration);
}

void exec_unique(SQLite::Statement& s, const std::string& what) {
  try {
    s.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE)
      throw Refusal(errc::conflict, what + " already exists.", "name");
    throw;
  }
}

CalendarRecord read_calendar_row(SQLite::Statement& s) {
  CalendarRecord c;
  c.id = s.getColumn(0).getInt64();
  c.name = s.getColumn(1).getString();
  c.spec.time_zone = s.getColumn(2).getString();
  c.is_default = s.getColumn(3).getInt() != 0;
  c.version = s.getColumn(4).getInt64();
  c.created_at = s.getColumn(5).getInt64();
  c.updated_at = s.getColumn(6).getInt64();
  return c;
}

void load_calendar_details(Connection& db, CalendarRecord& c) {
  auto& hours = db.statement(kCalendarHours);
  hours.bind(1, c.id);
  while (hours.executeStep()) {
    const auto day = static_cast<std::size_t>(hours.getColumn(0).getInt());
    if (day < 7)
      c.spec.hours[day].push_back({hours.getColumn(1).getString(), hours.getColumn(2).getString()});
  }
  auto& holidays = db.statement(kCalendarHolidays);
  holidays.bind(1, c.id);
  while (holidays.executeStep()) {
    domain::HolidaySpec h;
    h.date = holidays.getColumn(0).getString();
    h.yearly = holidays.getColumn(1).getInt() != 0;
    if (!holidays.getColumn(2).isNull()) h.from = holidays.getColumn(2).getString();
    if (!holidays.getColumn(3).isNull()) h.to = holidays.getColumn(3).getString();
    h.name = holidays.getColumn(4).getString();
    c.spec.holidays.push_back(std::move(h));
  }
}

void write_calendar_details(Tx& tx, Id id, const domain::CalendarSpec& spec) {
  auto& db = tx.connection();
  for (const char* sql : {kDeleteHours, kDeleteHolidays}) {
    auto& del = db.statement(sql);
    del.bind(1, id);
    del.exec();
  }
  for (std::size_t day = 0; day < 7; ++day) {
    for (std::size_t i = 0; i < spec.hours[day].size(); ++i) {
      auto& s = db.statement(kInsertHour);
      s.bind(1, id);
      s.bind(2, static_cast<int>(day));
      s.bind(3, static_cast<int>(i));
      s.bind(4, spec.hours[day][i].from);
      s.bind(5, spec.hours[day][i].to);
      s.exec();
    }
  }
  for (std::size_t i = 0; i < spec.holidays.size(); ++i) {
    const auto& h = spec.holidays[i];
    auto& s = db.statement(kInsertHoliday);
    s.bind(1, id);
    s.bind(2, static_cast<int>(i));
    s.bind(3, h.date);
    s.bind(4, h.yearly ? 1 : 0);
    bind_optional(s, 5, h.from);
    bind_optional(s, 6, h.to);
    s.bind(7, h.name);
    s.exec();
  }
}

CalendarRecord calendar_or_refuse(Connection& db, Id id) {
  auto found = find_calendar(db, id);
  if (!found) throw Refusal(errc::not_found, "Calendar " + std::to_string(id) + " does not exist.");
  return std::move(*found);
}

PolicyRecord read_policy_row(SQLite::Statement& s) {
  PolicyRecord r;
  auto& p = r.policy;
  p.id = s.getColumn(0).getInt64();
  p.name = s.getColumn(1).getString();
  p.calendar_id = s.getColumn(2).getInt64();
  p.position = s.getColumn(3).getInt();
  p.is_default = s.getColumn(4).getInt() != 0;
  auto minutes = [&](int column) -> std::optional<int> {
    if (s.getColumn(column).isNull()) return std::nullopt;
    return s.getColumn(column).getInt();
  };
  p.targets = {minutes(5), minutes(6), minutes(7)};
  p.version = s.getColumn(8).getInt64();
  r.created_at = s.getColumn(9).getInt64();
  r.updated_at = s.getColumn(10).getInt64();
  return r;
}

void load_conditions(Connection& db, domain::SlaPolicy& p) {
  auto& s = db.statement(kPolicyConditions);
  s.bind(1, p.id);
  while (s.executeStep()) {
    const std::string field = s.getColumn(0).getString();
    const std::string value = s.getColumn(1).getString();
    auto& c = p.conditions;
    if (field == "priority") {
      if (auto v = domain::parse_priority(value)) c.priorities.push_back(*v);
    } else if (field == "channel") {
      if (auto v = domain::parse_channel(value)) c.channels.push_back(*v);
    } else if (field == "team_id") {
      c.team_ids.push_back(std::stoll(value));
    } else if (field == "organization") {
      c.organizations.push_back(value);
    }
  }
}

void load_escalations(Connection& db, domain::SlaPolicy& p) {
  auto& s = db.statement(kPolicyEscalations);
  s.bind(1, p.id);
  while (s.executeStep()) {
    domain::EscalationStep step;
    step.when = s.getColumn(0).getString();
    step.target = s.getColumn(1).getString();  // NULL reads as "": any target
    if (!s.getColumn(2).isNull())
      step.priority = domain::parse_priority(s.getColumn(2).getString());
    if (!s.getColumn(3).isNull()) step.team_id = s.getColumn(3).getInt64();
    if (!s.getColumn(4).isNull()) step.assignee_id = s.getColumn(4).getInt64();
    p.escalations.push_back(std::move(step));
  }
}

void write_escalations(Tx& tx, const domain::SlaPolicy& p) {
  auto& db = tx.connection();
  auto& del = db.statement(kDeleteEscalations);
  del.bind(1, p.id);
  del.exec();
  int position = 0;
  for (const auto& step : p.escalations) {
    auto& s = db.statement(kInsertEscalation);
    int i = 1;
    s.bind(i++, p.id);
    s.bind(i++, position++);
    s.bind(i++, step.when);
    bind_optional(s, i++, step.target.empty() ? std::nullopt : std::optional(step.target));
    bind_optional(s, i++,
                  step.priority ? std::optional(std::string(domain::to_string(*step.priority)))
                                : std::nullopt);
    bind_optional(s, i++, step.team_id);
    bind_optional(s, i++, step.assignee_id);
    s.exec();
  }
}

void write_conditions(Tx& tx, const domain::SlaPolicy& p) {
  auto& db = tx.connection();
  auto& del = db.statement(kDeleteConditions);
  del.bind(1, p.id);
  del.exec();
  auto add = [&](const char* field, const std::string& value) {
    auto& s = db.statement(kInsertCondition);
    s.bind(1, p.id);
    s.bind(2, field);
    s.bind(3, value);
    s.exec();
  };
  for (auto v : p.conditions.priorities) add("priority", std::string(domain::to_string(v)));
  for (auto v : p.conditions.channels) add("channel", std::string(domain::to_string(v)));
  for (auto v : p.conditions.team_ids) add("team_id", std::to_string(v));
  for (const auto& v : p.conditions.organizations) add("organization", v);
}

void bind_policy_fields(SQLite::Statement& s, const domain::SlaPolicy& p, int& i) {
  s.bind(i++, p.name);
  s.bind(i++, p.calendar_id);
  s.bind(i++, p.position);
  bind_optional(s, i++, p.targets.first_response);
  bind_optional(s, i++, p.targets.next_reply);
  bind_optional(s, i++, p.targets.resolution);
}

void require_calendar(Connection& db, Id id) {
  if (!find_calendar(db, id))
    throw Refusal(errc::invalid_argument, "Calendar " + std::to_string(id) + " does not exist.",
                  "calendar_id");
}

}  // namespace

std::vector<CalendarRecord> list_calendars(Connection& db) {
  std::vector<CalendarRecord> out;
  {
    auto& s = db.statement(kListCalendars);
    while (s.executeStep()) out.push_back(read_calendar_row(s));
  }
  for (auto& c : out) load_calendar_details(db, c);
  return out;
}

std::optional<CalendarRecord> find_calendar(Connection& db, Id id) {
  std::optional<CalendarRecord> out;
  {
    auto& s = db.statement(kFindCalendar);
    s.bind(1, id);
    if (!s.executeStep()) return std::nullopt;
    out = read_calendar_row(s);
  }
  load_calendar_details(db, *out);
  return out;
}

CalendarRecord create_calendar(Tx& tx, const std::string& name, const domain::CalendarSpec& spec,
                               Millis now) {
  auto& s = tx.connection().statement(kInsertCalendar);
  s.bind(1, name);
  s.bind(2, spec.time_zone);
  s.bind(3, now);
  s.bind(4, now);
  exec_unique(s, "A calendar named '" + name + "'");
  const Id id = tx.connection().last_insert_id();
  write_calendar_details(tx, id, spec);
  bump_generation(tx);
  return calendar_or_refuse(tx.connection(), id);
}

CalendarRecord update_calendar(Tx& tx, Id id, std::int64_t expected_version,
                               const std::string& name, const domain::CalendarSpec& spec,
                               Millis now) {
  const auto current = calendar_or_refuse(tx.connection(), id);
  if (current.version != expected_version)
    throw Refusal(errc::version_mismatch, "The calendar changed since you read it (version " +
                                              std::to_string(current.version) + " now).");
  auto& s = tx.connection().statement(kUpdateCalendar);
  s.bind(1, name);
  s.bind(2, spec.time_zone);
  s.bind(3, now);
  s.bind(4, id);
  exec_unique(s, "A calendar named '" + name + "'");
  write_calendar_details(tx, id, spec);
  auto& policies = tx.connection().statement(kBumpPoliciesOfCalendar);
  policies.bind(1, now);
  policies.bind(2, id);
  policies.exec();
  bump_generation(tx);
  return calendar_or_refuse(tx.connection(), id);
}

void delete_calendar(Tx& tx, Id id) {
  auto& db = tx.connection();
  const auto current = calendar_or_refuse(db, id);
  if (current.is_default)
    throw Refusal(errc::conflict, "The default calendar cannot be deleted; change it instead.");
  {
    auto& used = db.statement(kCalendarInUse);
    used.bind(1, id);
    used.executeStep();
    if (used.getColumn(0).getInt64() > 0)
      throw Refusal(errc::conflict,
                    "Calendar " + std::to_string(id) + " is used by a policy; change that first.");
  }
  for (const char* sql : {kDeleteHours, kDeleteHolidays, kDeleteCalendar}) {
    auto& del = db.statement(sql);
    del.bind(1, id);
    del.exec();
  }
  bump_generation(tx);
}

std::vector<PolicyRecord> list_policies(Connection& db) {
  std::vector<PolicyRecord> out;
  {
    auto& s = db.statement(kListPolicies);
    while (s.executeStep()) out.push_back(read_policy_row(s));
  }
  for (auto& r : out) {
    load_conditions(db, r.policy);
    load_escalations(db, r.policy);
  }
  return out;
}

std::optional<PolicyRecord> find_policy(Connection& db, Id id) {
  std::optional<PolicyRecord> out;
  {
    auto& s = db.statement(kFindPolicy);
    s.bind(1, id);
    if (!s.executeStep()) return std::nullopt;
    out = read_policy_row(s);
  }
  load_conditions(db, out->policy);
  load_escalations(db, out->policy);
  return out;
}

PolicyRecord create_policy(Tx& tx, const domain::SlaPolicy& policy, Millis now) {
  auto& db = tx.connection();
  require_calendar(db, policy.calendar_id);
  auto& s = db.statement(kInsertPolicy);
  int i = 1;
  bind_policy_fields(s, policy, i);
  s.bind(i++, now);
  s.bind(i++, now);
  exec_unique(s, "A policy named '" + policy.name + "'");
  domain::SlaPolicy saved = policy;
  saved.id = db.last_insert_id();
  write_conditions(tx, saved);
  write_escalations(tx, saved);
  bump_generation(tx);
  return *find_policy(db, saved.id);
}

PolicyRecord update_policy(Tx& tx, const domain::SlaPolicy& policy, std::int64_t expected_version,
                           Millis now) {
  auto& db = tx.connection();
  const auto current = find_policy(db, policy.id);
  if (!current)
    throw Refusal(errc::not_found, "Policy " + std::to_string(policy.id) + " does not exist.");
  if (current->policy.version != expected_version)
    throw Refusal(errc::version_mismatch, "The policy changed since you read it (version " +
                                              std::to_string(current->policy.version) + " now).");
  require_calendar(db, policy.calendar_id);
  auto& s = db.statement(kUpdatePolicy);
  int i = 1;
  bind_policy_fields(s, policy, i);
  s.bind(i++, now);
  s.bind(i++, policy.id);
  exec_unique(s, "A policy named '" + policy.name + "'");
  write_conditions(tx, policy);
  write_escalations(tx, policy);
  bump_generation(tx);
  return *find_policy(db, policy.id);
}

void delete_policy(Tx& tx, Id id) {
  auto& db = tx.connection();
  const auto current = find_policy(db, id);
  if (!current) throw Refusal(errc::not_found, "Policy " + std::to_string(id) + " does not exist.");
  if (current->policy.is_default)
    throw Refusal(errc::conflict, "The default policy cannot be deleted; change it instead.");
  for (const char* sql :
       {kDeleteConditions, kDeleteEscalations, kClearTicketPolicy, kDeletePolicy}) {
    auto& del = db.statement(sql);
    del.bind(1, id);
    del.exec();
  }
  bump_generation(tx);
}

SlaBook::Applied SlaBook::apply(const domain::TicketFacts& facts) const {
  Applied applied;
  applied.match = domain::match_policy(policies, facts);
  if (applied.match.policy) {
    const auto found = calendars.find(applied.match.policy->calendar_id);
    if (found != calendars.end()) applied.calendar = found->second.get();
  }
  return applied;
}

const domain::SlaPolicy* SlaBook::policy(Id id) const {
  for (const auto& p : policies)
    if (p.id == id) return &p;
  return nullptr;
}

SlaBook load_sla_book(Connection& db) {
  SlaBook book;
  {
    auto& s = db.statement(kGeneration);
    if (s.executeStep()) book.generation = s.getColumn(0).getInt64();
  }
  for (auto& c : list_calendars(db)) {
    // Stored calendars were validated on the way in; one that no longer builds (its zone left
    // the tz database) is left out, and policies using it fall back to calendar time.
    auto built = domain::BusinessCalendar::build(c.spec);
    if (built.calendar) book.calendars.emplace(c.id, std::move(built.calendar));
  }
  for (auto& r : list_policies(db)) book.policies.push_back(std::move(r.policy));
  return book;
}

std::shared_ptr<const SlaBook> SlaCatalog::cached() {
  std::lock_guard lock(mutex_);
  return book_;
}

std::shared_ptr<const SlaBook> SlaCatalog::current(Connection& db) {
  std::int64_t generation = 0;
  {
    auto& s = db.statement(kGeneration);
    if (s.executeStep()) generation = s.getColumn(0).getInt64();
  }
  {
    std::lock_guard lock(mutex_);
    if (book_ && book_->generation == generation) return book_;
  }
  auto book = std::make_shared<const SlaBook>(load_sla_book(db));
  std::lock_guard lock(mutex_);
  book_ = book;
  return book;
}

}  // namespace hd::store
