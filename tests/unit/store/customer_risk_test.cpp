#include "store/customer_risk.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "ticket_fixture.hpp"

namespace hd::store {
namespace {

using domain::Status;
using domain::risk::Reason;
using domain::risk::Signal;
using testing::Desk;
using testing::kHour;
using testing::kMinute;
using testing::kT0;
using testing::ticket_about;

constexpr int kReopenAtOrBelow = 2;

std::vector<Signal> signals_of(Desk& desk, Millis since, Millis now, Millis waiting_since) {
  return desk.db().read_blocking(
      [=](Connection& c) { return risk::signals(c, since, now, waiting_since, kReopenAtOrBelow); });
}

std::size_t count(const std::vector<Signal>& signals, Id ticket, Reason reason) {
  return static_cast<std::size_t>(std::count_if(signals.begin(), signals.end(), [&](const auto& s) {
    return s.ticket_id == ticket && s.reason == reason;
  }));
}

TEST_CASE("at-risk signals: a ticket open past the waiting threshold is a long wait") {
  Desk desk;
  const auto t = desk.create(ticket_about("router"), kT0);
  // Open since kT0: waiting an hour at kT0 + 1 h, not yet at kT0 + 59 min.
  auto got = signals_of(desk, kT0 - kHour, kT0 + kHour, kT0);
  REQUIRE(count(got, t.id, Reason::long_wait) == 1);
  const auto wait = *std::find_if(got.begin(), got.end(),
                                  [](const auto& s) { return s.reason == Reason::long_wait; });
  CHECK(wait.customer_id == t.customer.id);
  CHECK(wait.at == kT0);
  CHECK(count(signals_of(desk, kT0 - kHour, kT0 + kHour, kT0 - 1), t.id, Reason::long_wait) == 0);

  // Waiting on the customer (pending) is no wait for an agent.
  desk.reply(t.id, kT0 + kMinute, Status::pending);
  CHECK(count(signals_of(desk, kT0 - kHour, kT0 + 2 * kHour, kT0 + kHour), t.id,
              Reason::long_wait) == 0);
}

TEST_CASE("at-risk signals: reopens by the customer or an agent, inside the window only") {
  Desk desk;
  const auto t = desk.create(ticket_about("modem"), kT0);
  desk.reply(t.id, kT0 + kMinute);
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), kT0 + 2 * kMinute);
  CHECK(count(signals_of(desk, kT0, kT0 + kHour, kT0), t.id, Reason::reopen) == 0);

  desk.customer_writes(t.id, kT0 + 3 * kMinute, "Still broken");
  auto got = signals_of(desk, kT0, kT0 + kHour, kT0);
  REQUIRE(count(got, t.id, Reason::reopen) == 1);
  // The window is half-open and about when the reopen happened.
  CHECK(count(signals_of(desk, kT0 + 3 * kMinute + 1, kT0 + kHour, kT0), t.id, Reason::reopen) ==
        0);
  CHECK(count(signals_of(desk, kT0, kT0 + 3 * kMinute, kT0), t.id, Reason::reopen) == 0);

  desk.move(t.id, Status::resolved, Desk::as(desk.agent), kT0 + 4 * kMinute);
  desk.move(t.id, Status::open, Desk::as(desk.agent), kT0 + 5 * kMinute);
  got = signals_of(desk, kT0, kT0 + kHour, kT0);
  CHECK(count(got, t.id, Reason::reopen) == 2);
  // Ranked, the two reopens are one reason with one ticket: weight 2 once.
  const auto ranked = domain::risk::rank_at_risk(got);
  const auto entry = std::find_if(ranked.begin(), ranked.end(),
                                  [&](const auto& r) { return r.customer_id == t.customer.id; });
  REQUIRE(entry != ranked.end());
  CHECK(entry->reasons.front().reason == Reason::reopen);
  CHECK(entry->reasons.front().ticket_ids == std::vector<std::int64_t>{t.id});
}

}  // namespace
}  // namespace hd::store
