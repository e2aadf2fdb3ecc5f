#include "store/reviews.hpp"

#include <doctest/doctest.h>

#include "domain/refusal.hpp"
#include "store/survey_records.hpp"
#include "ticket_fixture.hpp"

namespace hd::store {
namespace {

using domain::Status;
using testing::Desk;
using testing::kMinute;
using testing::kT0;
using testing::ticket_about;

std::vector<reviews::ItemRecord> items(Desk& desk) {
  return desk.db().read_blocking(
      [](Connection& c) { return reviews::list_items(c, reviews::ItemQuery{}); });
}

TEST_CASE("a reopen adds one review item per resolution; a bad answer first makes it its own") {
  Desk desk;
  const auto t = desk.create(ticket_about("router"), kT0);
  desk.reply(t.id, kT0 + kMinute);
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), kT0 + 2 * kMinute);
  desk.customer_writes(t.id, kT0 + 3 * kMinute, "Still broken");
  auto got = items(desk);
  REQUIRE(got.size() == 1);
  CHECK(got[0].reason == reviews::Reason::reopen);
  CHECK(got[0].episode == 1);
  CHECK(got[0].agent_id == desk.agent.id);  // the author of the last public reply
  CHECK(got[0].customer.id == t.customer.id);
  CHECK_FALSE(got[0].reviewed);

  // A bad answer about resolution 2 first, then its reopen: still one item for it.
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), kT0 + 4 * kMinute);
  desk.db().write_blocking([&](Tx& tx) {
    const auto survey = insert_survey(tx, t.id, 2, t.customer.id, desk.agent.id, kT0);
    reviews::on_bad_answer(tx, t.id, 2, survey, t.customer.id, desk.agent.id,
                           reviews::Reason::bad_rating, kT0 + 5 * kMinute);
    return 0;
  });
  desk.move(t.id, Status::open, Desk::as(desk.supervisor), kT0 + 5 * kMinute);
  got = items(desk);
  REQUIRE(got.size() == 2);
  CHECK(got[0].reason == reviews::Reason::bad_rating);  // newest first
  CHECK(got[0].episode == 2);
  CHECK(got[1].reason == reviews::Reason::reopen);
}

TEST_CASE("review items: reviewing records who and when; causes in use can't be deleted") {
  Desk desk;
  const auto t = desk.create(ticket_about("modem"), kT0);
  desk.move(t.id, Status::resolved, Desk::as(desk.agent), kT0 + kMinute);
  desk.move(t.id, Status::open, Desk::as(desk.agent), kT0 + 2 * kMinute);
  const auto item = items(desk).at(0);
  const auto causes =
      desk.db().read_blocking([](Connection& c) { return reviews::list_causes(c); });
  REQUIRE(causes.size() == 4);
  const auto cause = causes.front().id;

  auto refused = desk.refusal([&](Tx& tx) {
    reviews::ItemChange change;
    change.cause_id = std::optional<Id>(999);
    change.reviewed = true;
    reviews::update_item(tx, item.id, change, desk.supervisor.id, kT0);
  });
  REQUIRE(refused);
  CHECK(refused->field == "cause_id");
  CHECK_FALSE(items(desk).at(0).reviewed);

  const auto done = desk.db().write_blocking([&](Tx& tx) {
    reviews::ItemChange change;
    change.cause_id = std::optional<Id>(cause);
    change.reviewed = true;
    change.action_taken = "Called back";
    return reviews::update_item(tx, item.id, change, desk.supervisor.id, kT0 + kMinute);
  });
  CHECK(done.reviewed);
  CHECK(done.reviewed_by == desk.supervisor.id);
  CHECK(done.reviewed_at == kT0 + kMinute);
  CHECK(done.cause_id == cause);
  CHECK(done.action_taken == "Called back");

  refused = desk.refusal([&](Tx& tx) { reviews::delete_cause(tx, cause); });
  REQUIRE(refused);
  CHECK(refused->code == domain::errc::conflict);
  refused = desk.refusal([&](Tx& tx) { reviews::create_cause(tx, "POLICY", kT0); });
  REQUIRE(refused);
  CHECK(refused->code == domain::errc::conflict);
}

}  // namespace
}  // namespace hd::store
