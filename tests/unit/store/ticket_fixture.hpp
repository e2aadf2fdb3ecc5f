#pragma once

// A help desk on a fresh temporary database for the ticket store tests: two teams, staff of each
// role, the actors they write as, and readers of what the store wrote (tickets, events,
// messages, jobs) so that a test can say "this changed nothing".

#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "domain/calendar.hpp"
#include "domain/refusal.hpp"
#include "store/people.hpp"
#include "store/tickets.hpp"
#include "temp_database.hpp"

namespace hd::store::testing {

inline constexpr Millis kT0 = 1'750'000'000'000;  // 2025-06-15T15:06:40Z
inline constexpr Millis kSecond = 1000, kMinute = 60 * kSecond, kHour = 60 * kMinute,
                        kDay = 24 * kHour;

/// A row of the jobs table as these tests look at it.
struct JobRow {
  std::string kind, payload;
  Millis run_at = 0;
  std::string unique_key, state;
  Millis created_at = 0, updated_at = 0;
  bool operator==(const JobRow&) const = default;
};

inline constexpr const char* kAllJobs =
    "SELECT kind, payload, run_at, COALESCE(unique_key, ''), state, created_at, updated_at "
    "FROM jobs ORDER BY id";
inline constexpr const char* kSurveyJobs =
    "SELECT kind, payload, run_at, COALESCE(unique_key, ''), state, created_at, updated_at "
    "FROM jobs WHERE kind = 'satisfaction_check' ORDER BY id";

inline std::string describe(const std::optional<Millis>& v) {
  return v ? std::to_string(*v) : "-";
}

/// Every field of a ticket on one line, so that doctest shows what differs.
inline std::string describe(const TicketRecord& t) {
  std::ostringstream o;
  const auto& l = t.life;
  o << "id=" << t.id << " subject=" << t.subject << " priority=" << domain::to_string(t.priority)
    << " channel=" << domain::to_string(t.channel) << " customer=" << t.customer.id << "/"
    << t.customer.email << "/" << t.customer.name << "/" << t.customer.organization << "/"
    << t.customer.surveys_opt_out << " team=" << describe(t.team_id)
    << " assignee=" << describe(t.assignee_id) << " linked=" << describe(t.linked_ticket_id)
    << " tags=";
  for (const auto& tag : t.tags) o << tag << ",";
  o << " version=" << t.version << " created=" << t.created_at << " updated=" << t.updated_at
    << " messages=" << t.message_count << " | status=" << domain::to_string(l.status)
    << " life.created=" << l.created_at << " since=" << l.status_since << " outbound=" << l.outbound
    << " first_response=" << describe(l.first_response_at)
    << " first_resolved=" << describe(l.first_resolved_at)
    << " resolved=" << describe(l.resolved_at) << " wait=" << l.requester_wait_ms
    << " hold=" << l.on_hold_ms << " reopens=" << l.reopen_count
    << " replies=" << l.public_reply_count << " episode=" << l.resolution_episode
    << " awaiting=" << describe(l.awaiting_reply_since)
    << " last_by_agent=" << l.last_public_by_agent << " | sla=" << describe(t.sla_policy_id) << "/"
    << describe(t.first_response_due_at) << "/" << describe(t.next_reply_due_at) << "/"
    << describe(t.resolution_due_at);
  return o.str();
}

inline std::string describe(const std::vector<domain::Status>& moves) {
  std::string text;
  for (auto s : moves) text += std::string(domain::to_string(s)) + ",";
  return text;
}

/// The simplest new ticket about `word`: subject and body both name it.
inline NewTicket ticket_about(const std::string& word,
                              const std::string& email = "ana@example.com") {
  NewTicket t;
  t.subject = "Trouble with the " + word;
  t.body = "My " + word + " stopped working this morning.";
  t.customer = {email, "Ana Lima", "Lima & Co"};
  return t;
}

class Desk {
 public:
  /// `adjust` changes the database options (the replay test trades fsync for speed).
  explicit Desk(const TempDatabase::Adjust& adjust = {})
      : temp_(TempDatabase::Schema::migrated, {}, adjust) {
    db().write_blocking([this](Tx& tx) {
      support = create_team(tx, "Support", kT0 - kDay);
      billing = create_team(tx, "Billing", kT0 - kDay);
      agent = create_user(tx, staff("agent@desk.test", "Alex Agent", domain::Role::agent), kT0);
      supervisor =
          create_user(tx, staff("sup@desk.test", "Sam Supervisor", domain::Role::supervisor), kT0);
      admin = create_user(tx, staff("admin@desk.test", "Ada Admin", domain::Role::admin), kT0);
      auto gone = staff("gone@desk.test", "Gus Gone", domain::Role::agent);
      gone.active = false;
      retired = create_user(tx, gone, kT0);
      return 0;
    });
  }

  Database& db() { return temp_.db(); }
  TempDatabase& temp() { return temp_; }

  TeamRecord support, billing;
  UserRecord agent, supervisor, admin, retired;

  static Actor as(const UserRecord& user) { return {domain::ActorKind::agent, user.id, user.role}; }
  static Actor customer() {
    return {domain::ActorKind::customer, std::nullopt, domain::Role::agent};
  }
  static Actor system() { return {domain::ActorKind::system, std::nullopt, domain::Role::agent}; }

  const domain::AlwaysOpenCalendar calendar;
  const TicketPolicy policy{3'600'000, &calendar};

  // --- writes, each its own request ---

  TicketRecord create(const NewTicket& ticket, Millis now) {
    return create(ticket, now, as(agent));
  }
  TicketRecord create(const NewTicket& ticket, Millis now, const Actor& by) {
    return db().write_blocking([&](Tx& tx) { return create_ticket(tx, ticket, by, now, policy); });
  }
  std::pair<MessageRecord, TicketRecord> message(Id id, const NewMessage& m, const Actor& by,
                                                 Millis now) {
    return db().write_blocking([&](Tx& tx) { return add_message(tx, id, m, by, now, policy); });
  }
  TicketRecord reply(Id id, Millis now, std::optional<domain::Status> then = std::nullopt,
                     const std::string& body = "Thanks, looking into it.") {
    return message(id, {domain::ActorKind::agent, false, body, then}, as(agent), now).second;
  }
  TicketRecord note(Id id, Millis now, const std::string& body = "Internal: check the logs.") {
    return message(id, {domain::ActorKind::agent, true, body, std::nullopt}, as(agent), now).second;
  }
  std::pair<MessageRecord, TicketRecord> customer_writes(Id id, Millis now,
                                                         const std::string& body = "Any news?") {
    return message(id, {domain::ActorKind::customer, false, body, std::nullopt}, customer(), now);
  }
  TicketRecord move(Id id, domain::Status to, const Actor& by, Millis now,
                    const std::string& why = "") {
    return db().write_blocking(
        [&](Tx& tx) { return change_status(tx, id, to, why, by, now, policy); });
  }
  TicketRecord patch(Id id, std::int64_t version, const TicketPatch& p, Millis now) {
    return db().write_blocking(
        [&](Tx& tx) { return update_ticket(tx, id, version, p, as(agent), now); });
  }

  /// The Refusal a write throws, or nullopt (a failed check) when it does not refuse.
  template <class Work>
  std::optional<domain::Refusal> refusal(Work work) {
    try {
      db().write_blocking([&](Tx& tx) {
        work(tx);
        return 0;
      });
    } catch (const domain::Refusal& r) {
      return r;
    }
    return std::nullopt;
  }

  // --- reads ---

  TicketRecord ticket(Id id) {
    auto found = db().read_blocking([id](Connection& c) { return find_ticket(c, id); });
    REQUIRE_MESSAGE(found, "ticket " << id << " is missing");
    return *found;
  }
  std::vector<EventRecord> events(Id id) {
    return db().read_blocking([id](Connection& c) { return list_events(c, id); });
  }
  std::vector<std::string> event_types(Id id) {
    std::vector<std::string> types;
    for (const auto& e : events(id)) types.push_back(std::string(domain::to_string(e.type)));
    return types;
  }
  std::vector<MessageRecord> messages(Id id) {
    return db().read_blocking([id](Connection& c) { return list_messages(c, id); });
  }
  /// Every job of every kind (a refused write must not queue any).
  std::vector<JobRow> jobs() { return job_rows(kAllJobs); }
  /// The satisfaction checks only (other kinds, such as mail, come and go with other issues).
  std::vector<JobRow> survey_jobs() { return job_rows(kSurveyJobs); }
  std::vector<JobRow> job_rows(const char* sql) {
    return db().read_blocking([sql](Connection& c) {
      auto& s = c.statement(sql);
      std::vector<JobRow> rows;
      while (s.executeStep())
        rows.push_back({s.getColumn(0).getString(), s.getColumn(1).getString(),
                        s.getColumn(2).getInt64(), s.getColumn(3).getString(),
                        s.getColumn(4).getString(), s.getColumn(5).getInt64(),
                        s.getColumn(6).getInt64()});
      return rows;
    });
  }
  std::vector<Id> list(TicketQuery q) {
    return db().read_blocking([&q](Connection& c) {
      std::vector<Id> ids;
      for (const auto& t : list_tickets(c, q)) ids.push_back(t.id);
      return ids;
    });
  }
  std::vector<Id> search(const std::string& text) {
    TicketQuery q;
    q.text = text;
    q.limit = 10'000;
    return list(q);
  }

  /// Everything a refused write must leave as it was.
  struct Snapshot {
    std::string ticket;
    std::size_t events = 0, messages = 0;
    std::vector<JobRow> jobs;
    std::int64_t tickets = 0;
  };
  Snapshot snapshot(Id id) {
    return {describe(ticket(id)), events(id).size(), messages(id).size(), jobs(),
            db().read_blocking([](Connection& c) { return count_tickets(c); })};
  }
  void check_unchanged(Id id, const Snapshot& before) {
    const Snapshot now = snapshot(id);
    CHECK(now.ticket == before.ticket);
    CHECK(now.events == before.events);
    CHECK(now.messages == before.messages);
    CHECK(now.jobs == before.jobs);
    CHECK(now.tickets == before.tickets);
  }

 private:
  static UserRecord staff(const std::string& email, const std::string& name, domain::Role role) {
    UserRecord u;
    u.email = email;
    u.name = name;
    u.role = role;
    return u;
  }

  TempDatabase temp_;
};

}  // namespace hd::store::testing
