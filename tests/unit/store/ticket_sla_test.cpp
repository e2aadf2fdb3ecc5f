// The SLA clock as the ticket store keeps it: matched policies, due times on a business
// calendar, pauses, and the property that the stored clock equals a replay of the event log.
#include <algorithm>
#include <random>
#include <tuple>

#include "store/migrations.hpp"
#include "store/sla_store.hpp"
#include "store/ticket_sla.hpp"
#include "ticket_fixture.hpp"

namespace hd::store {
using namespace testing;
using domain::Status;

namespace {

// 2026-11-30 is a Monday; 08:00 UTC is 09:00 in Berlin.
constexpr Millis kMonday9 = 1'796'025'600'000;

domain::CalendarSpec berlin_office() {
  domain::CalendarSpec spec;
  spec.time_zone = "Europe/Berlin";
  for (int d = 0; d < 5; ++d) spec.hours[d] = {{"09:00", "17:00"}};
  spec.holidays = {{"2026-12-25", true, {}, {}, "Christmas"}};
  return spec;
}

struct SlaDesk : Desk {
  SlaCatalog catalog;
  TicketPolicy sla_policy{3'600'000, &calendar, &catalog};
  Id calendar_id = 0;
  Id urgent_policy = 0, acme_policy = 0;

  SlaDesk() {
    db().write_blocking([this](Tx& tx) {
      calendar_id = create_calendar(tx, "Berlin", berlin_office(), kT0).id;
      domain::SlaPolicy urgent;
      urgent.name = "Urgent";
      urgent.calendar_id = calendar_id;
      urgent.position = 1;
      urgent.conditions.priorities = {domain::Priority::urgent};
      urgent.targets = {30, 60, 240};
      urgent_policy = create_policy(tx, urgent, kT0).policy.id;
      domain::SlaPolicy acme;
      acme.name = "Acme";
      acme.calendar_id = calendar_id;
      acme.position = 2;
      acme.conditions.organizations = {"acme"};
      acme.targets = {120, 240, 960};
      acme_policy = create_policy(tx, acme, kT0).policy.id;
      return 0;
    });
  }

  TicketRecord open(NewTicket t, Millis now) {
    return db().write_blocking(
        [&](Tx& tx) { return create_ticket(tx, t, as(agent), now, sla_policy); });
  }
  TicketRecord say(Id id, domain::ActorKind who, bool internal, Millis now,
                   std::optional<Status> then = std::nullopt) {
    const NewMessage m{who, internal, "text", then};
    const Actor by = who == domain::ActorKind::customer ? customer() : as(agent);
    return db()
        .write_blocking([&](Tx& tx) { return add_message(tx, id, m, by, now, sla_policy); })
        .second;
  }
  TicketRecord move(Id id, Status to, Millis now) {
    return db().write_blocking(
        [&](Tx& tx) { return change_status(tx, id, to, "", as(supervisor), now, sla_policy); });
  }
  TicketRecord reprioritise(const TicketRecord& t, domain::Priority p, Millis now) {
    TicketPatch patch;
    patch.priority = p;
    return db().write_blocking([&](Tx& tx) {
      return update_ticket(tx, t.id, t.version, patch, as(agent), now, sla_policy);
    });
  }
  TicketRecord read(Id id) {
    return *db().read_blocking([&](Connection& c) { return find_ticket(c, id); });
  }
};

NewTicket from_acme(const std::string& word) {
  auto t = ticket_about(word);
  t.customer.organization = "ACME";  // conditions ignore case
  return t;
}

// One stored SLA fact: metric, at, seq, value (due time), flags.
using SlaFactRow = std::tuple<int, Millis, std::int64_t, Millis, int>;

std::vector<SlaFactRow> sla_facts(SlaDesk& desk, Id ticket) {
  return desk.db().read_blocking([ticket](Connection& c) {
    auto& s = c.statement(
        "SELECT metric, at, seq, value, flags FROM kpi_facts WHERE ticket_id = ? "
        "AND metric BETWEEN 10 AND 12 ORDER BY metric, at, seq");
    s.bind(1, ticket);
    std::vector<SlaFactRow> rows;
    while (s.executeStep())
      rows.emplace_back(s.getColumn(0).getInt(), s.getColumn(1).getInt64(),
                        s.getColumn(2).getInt64(), s.getColumn(3).getInt64(),
                        s.getColumn(4).getInt());
    s.reset();
    return rows;
  });
}

}  // namespace

TEST_CASE("a new ticket's due times come from the first matching policy, in business hours") {
  SlaDesk desk;
  // Friday 16:00 Berlin: 1 h left that day, then Monday.
  const Millis friday16 = kMonday9 - 3 * kDay + 7 * kHour;
  const auto t = desk.open(from_acme("fax"), friday16);
  CHECK(t.sla_policy_id == desk.acme_policy);
  CHECK(t.first_response_due_at == kMonday9 + kHour);         // 120 business minutes
  CHECK(t.resolution_due_at == kMonday9 + kDay + 7 * kHour);  // 16 h: Tue 16:00
  CHECK(desk.read(t.id).sla == t.sla);                        // stored as answered
  auto urgent = from_acme("phone");
  urgent.priority = domain::Priority::urgent;
  const auto u = desk.open(urgent, friday16);
  CHECK(u.sla_policy_id == desk.urgent_policy);  // position 1 wins over the org match
  CHECK(u.first_response_due_at == friday16 + 30 * kMinute);
  const auto other = desk.open(ticket_about("modem"), friday16);
  CHECK(other.sla_policy_id == 1);  // the default policy of migration 0004
  CHECK(!other.first_response_due_at);
}

TEST_CASE("pending pauses with the business time left; replies meet targets, notes don't") {
  SlaDesk desk;
  const auto t = desk.open(from_acme("printer"), kMonday9);  // resolution due Tue 17:00
  desk.say(t.id, domain::ActorKind::agent, true, kMonday9 + 10 * kMinute);
  CHECK(desk.read(t.id).sla.first_response.running());
  // Reply at 10:00 and wait for the customer: 1 h used of 16, 15 h left.
  auto p = desk.say(t.id, domain::ActorKind::agent, false, kMonday9 + kHour, Status::pending);
  CHECK(p.sla.first_response.outcome == domain::SlaOutcome::achieved);
  CHECK(p.sla.resolution.paused());
  CHECK(*p.sla.resolution.left_ms == 15 * kHour);
  // The customer answers on Wednesday 12:00 Berlin: 15 h left ->
  // Wed 12:00-17:00 (5 h), Thu 09:00-17:00 (8 h), Fri 09:00-11:00 (2 h).
  const Millis wednesday12 = kMonday9 + 2 * kDay + 3 * kHour;
  auto back = desk.say(t.id, domain::ActorKind::customer, false, wednesday12);
  CHECK(back.life.status == Status::open);
  CHECK(back.resolution_due_at == kMonday9 + 4 * kDay + 2 * kHour);
  CHECK(back.next_reply_due_at == wednesday12 + 4 * kHour);
  CHECK(back.sla.business_hold_ms == (7 + 8 + 3) * kHour);  // Mon 10-17, Tue, Wed 9-12
  // A late answer breaches next reply, decided at its due time.
  auto late = desk.say(t.id, domain::ActorKind::agent, false, wednesday12 + kDay);
  CHECK(late.sla.next_reply.outcome == domain::SlaOutcome::breached);
  CHECK(late.sla.next_reply.decided_at == wednesday12 + 4 * kHour);
  auto done = desk.move(t.id, Status::resolved, wednesday12 + kDay + kMinute);
  CHECK(done.sla.resolution.outcome == domain::SlaOutcome::achieved);
  CHECK(!done.sla.next_due_at());
}

TEST_CASE("a priority change re-matches and recomputes from the event log") {
  SlaDesk desk;
  auto t = desk.open(from_acme("router"), kMonday9);
  desk.say(t.id, domain::ActorKind::agent, false, kMonday9 + kHour, Status::pending);
  t = desk.say(t.id, domain::ActorKind::customer, false, kMonday9 + 3 * kHour);
  t = desk.reprioritise(t, domain::Priority::urgent, kMonday9 + 4 * kHour);
  CHECK(t.sla_policy_id == desk.urgent_policy);
  // Urgent: first response 30 min -> breached at 09:30 (the reply came at 10:00).
  CHECK(t.sla.first_response.outcome == domain::SlaOutcome::breached);
  CHECK(t.sla.first_response.decided_at == kMonday9 + 30 * kMinute);
  // Resolution 240 min: 1 h before the pause, 2 h paused, then 3 h left from 12:00.
  CHECK(t.resolution_due_at == kMonday9 + 6 * kHour);
  CHECK(desk.read(t.id).sla == t.sla);
}

TEST_CASE("property: the stored SLA clock equals the replay of the event log") {
  SlaDesk desk;
  std::mt19937_64 rng(11);
  const auto book = desk.db().read_blocking([&](Connection& c) { return desk.catalog.current(c); });
  std::vector<Id> ids;
  Millis now = kMonday9;
  for (int i = 0; i < 40; ++i) {
    auto t = i % 2 ? from_acme("thing" + std::to_string(i)) : ticket_about("x" + std::to_string(i));
    if (i % 5 == 0) t.priority = domain::Priority::urgent;
    ids.push_back(desk.open(t, now += static_cast<Millis>(rng() % (3 * kHour))).id);
  }
  for (int step = 0; step < 400; ++step) {
    now += static_cast<Millis>(rng() % (5 * kHour));
    const Id id = ids[rng() % ids.size()];
    const auto t = desk.read(id);
    if (t.life.status == Status::closed) continue;
    try {
      switch (rng() % 6) {
        case 0:
          desk.say(id, domain::ActorKind::customer, false, now);
          break;
        case 1:
          desk.say(id, domain::ActorKind::agent, false, now);
          break;
        case 2:
          desk.say(id, domain::ActorKind::agent, true, now);
          break;
        case 3:
          desk.say(id, domain::ActorKind::agent, false, now, Status::pending);
          break;
        case 4:
          desk.move(id, rng() % 2 ? Status::resolved : Status::open, now);
          break;
        default:
          desk.reprioritise(t, rng() % 2 ? domain::Priority::urgent : domain::Priority::low, now);
      }
    } catch (const domain::Refusal&) {
      // an illegal move for this state: fine, nothing changed
    }
  }
  int checked = 0, decided_total = 0;
  for (const Id id : ids) {
    auto stored = desk.read(id);
    const auto events = desk.db().read_blocking([&](Connection& c) { return list_events(c, id); });
    const auto* policy = book->policy(*stored.sla_policy_id);
    REQUIRE(policy);
    const auto applied = book->apply(ticket_facts(stored));
    const domain::Calendar& cal = *book->calendars.at(policy->calendar_id);
    CHECK(applied.match.policy->id == policy->id);
    // The SLA outcomes filed as KPI facts are the ones a replay decides, up to the ticket's last
    // event (no watch job ran here to settle later breaches).
    domain::kpi::FactChanges decided;
    replay_sla(events, policy->targets, cal, events.back().at, &decided);
    std::vector<SlaFactRow> want;
    for (const auto& change : decided) {
      REQUIRE(change.kind == domain::kpi::FactChange::Kind::insert);
      const auto& f = change.fact;
      want.push_back({static_cast<int>(f.metric), f.at, f.seq, f.value, f.flags});
    }
    std::sort(want.begin(), want.end());
    decided_total += static_cast<int>(want.size());
    auto replayed = replay_sla(events, policy->targets, cal, now);
    domain::settle_sla(stored.sla, now);
    INFO("ticket " << id);
    CHECK(replayed == stored.sla);
    CHECK(sla_facts(desk, id) == want);
    ++checked;
  }
  CHECK(checked == 40);
  CHECK(decided_total > 40);  // the walk decided outcomes of every kind, not just a few
}

TEST_CASE("migration 0010 files the outcomes decided before it as the live path files them") {
  SlaDesk desk;
  // Acme: first response 120 business minutes, resolution 960.
  const Id met = desk.open(from_acme("met"), kMonday9).id;
  desk.say(met, domain::ActorKind::agent, false, kMonday9 + 10 * kMinute);
  desk.move(met, Status::resolved, kMonday9 + 20 * kMinute);
  const Id late = desk.open(from_acme("late"), kMonday9).id;
  desk.say(late, domain::ActorKind::agent, false, kMonday9 + 5 * kHour);
  const auto met_facts = sla_facts(desk, met);
  const auto late_facts = sla_facts(desk, late);
  REQUIRE(met_facts.size() == 2);  // first response and resolution, both achieved
  CHECK(std::get<4>(met_facts[0]) == domain::kpi::kFlagAchieved);
  CHECK(std::get<4>(met_facts[1]) == domain::kpi::kFlagAchieved);
  REQUIRE(late_facts.size() == 1);  // breached at its due time, Monday 11:00
  CHECK(std::get<1>(late_facts[0]) == kMonday9 + 2 * kHour);
  CHECK(std::get<4>(late_facts[0]) == 0);

  const Migration* sla = nullptr;
  for (const auto& m : embedded_migrations())
    if (std::string_view(m.name) == "0010_kpi_sla") sla = &m;
  REQUIRE(sla);
  desk.db().write_blocking([sla](Tx& tx) {
    // As before the migration: the outcomes only on the tickets.
    tx.connection().exec("DELETE FROM kpi_facts WHERE metric BETWEEN 10 AND 12");
    tx.connection().exec(sla->sql);
    return 0;
  });
  CHECK(sla_facts(desk, met) == met_facts);
  CHECK(sla_facts(desk, late) == late_facts);
}

}  // namespace hd::store
