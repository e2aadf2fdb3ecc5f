#include "app/seed_demo.hpp"

#include <array>
#include <random>

#include "domain/calendar.hpp"
#include "security/secrets.hpp"
#include "store/jobs_store.hpp"
#include "store/people.hpp"
#include "store/sla_store.hpp"
#include "store/surveys.hpp"
#include "store/tickets.hpp"

namespace hd::app {
namespace {
using domain::ActorKind;
using domain::Millis;
using domain::Role;
using domain::Status;

constexpr Millis kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
constexpr const char* kDemoPassword = "demo-password";

constexpr std::array kFirstNames{"Ana",    "Ben",   "Chloe", "Dev",   "Elif", "Farid", "Grace",
                                 "Hugo",   "Ines",  "Jonas", "Keiko", "Liam", "Maya",  "Nadia",
                                 "Omar",   "Priya", "Quinn", "Rosa",  "Sven", "Tariq", "Uma",
                                 "Victor", "Wen",   "Yara",  "Zoe"};
constexpr std::array kLastNames{"Silva", "Okafor", "Martin", "Novak", "Kaya",   "Haddad",
                                "Lee",   "Dubois", "Costa",  "Berg",  "Tanaka", "Walsh",
                                "Patel", "Rossi",  "Jensen", "Moreau"};
constexpr std::array kOrganizations{
    "Acme",    "Globex",   "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises",
    "Soylent", "Vandelay", "Tyrell",  ""};
struct Topic {
  const char* subject;
  const char* question;
  const char* answer;
  const char* tag;
};
constexpr std::array kTopics{
    Topic{"Refund not received",
          "I returned my order two weeks ago and the refund has not arrived.",
          "I checked with our payments team: the refund was issued today and shows in 3-5 days.",
          "refund"},
    Topic{"Cannot log in", "The login page says my password is wrong, but I just reset it.",
          "I cleared a lock on your account after too many attempts. Please try again now.",
          "login"},
    Topic{"Invoice address is wrong", "Our invoice shows our old address. Can you correct it?",
          "Done: the invoice is reissued with the new address and attached here.", "billing"},
    Topic{"Export to CSV fails", "Exporting the monthly report to CSV gives an error.",
          "This was a bug on our side, fixed this morning. Could you try the export again?", "bug"},
    Topic{"How do I add a user?", "Where do I invite a colleague to our workspace?",
          "Go to Settings > Team > Invite and enter their email. They get a link.", "how-to"},
    Topic{"Delivery delayed", "My parcel was due yesterday and the tracking has not moved.",
          "The carrier confirmed a delay at the depot; delivery is now planned for tomorrow.",
          "shipping"},
    Topic{"Change my plan", "We would like to move to the yearly plan.",
          "Your plan is now yearly, with the difference credited on the next invoice.", "billing"},
    Topic{"App crashes on start",
          "Since the last update the mobile app closes right after opening.",
          "Version 4.2.1 fixes this crash; please update from the store.", "bug"},
};

}  // namespace

SeedSummary seed_demo(store::Database& db, int tickets, std::int64_t now_ms, unsigned seed) {
  std::mt19937 rng(seed);
  auto pick = [&](const auto& list) {
    return list[std::uniform_int_distribution<std::size_t>(0, list.size() - 1)(rng)];
  };
  auto chance = [&](double p) { return std::bernoulli_distribution(p)(rng); };
  auto minutes = [&](double mean) {
    return static_cast<Millis>(std::exponential_distribution<double>(1.0 / mean)(rng) * kMinute) +
           kMinute;
  };
  domain::AlwaysOpenCalendar calendar;
  store::SlaCatalog sla;
  const store::TicketPolicy policy{kHour, &calendar, &sla};
  SeedSummary summary;
  const Millis start = now_ms - 90 * kDay;

  // SLA: office hours in Berlin with the German holidays of the season, a tight policy for
  // urgent and high tickets, and targets on the default policy, so the demo shows timers,
  // pauses and breaches.
  db.write_blocking([&](store::Tx& tx) {
    domain::CalendarSpec office;
    office.time_zone = "Europe/Berlin";
    for (std::size_t d = 0; d < 5; ++d) office.hours[d] = {{"08:00", "18:00"}};
    office.holidays = {{"2026-01-01", true, {}, {}, "New Year"},
                       {"2026-05-01", true, {}, {}, "Labour Day"},
                       {"2026-10-03", true, {}, {}, "Unity Day"},
                       {"2026-12-24", true, std::string("12:00"), std::string("24:00"), "Eve"},
                       {"2026-12-25", true, {}, {}, "Christmas"},
                       {"2026-12-26", true, {}, {}, "Boxing Day"}};
    const auto cal = store::create_calendar(tx, "Berlin support hours", office, start);
    domain::SlaPolicy urgent;
    urgent.name = "Urgent and high";
    urgent.calendar_id = cal.id;
    urgent.position = 10;
    urgent.conditions.priorities = {domain::Priority::urgent, domain::Priority::high};
    urgent.targets = {60, 120, 480};
    store::create_policy(tx, urgent, start);
    auto fallback = *store::find_policy(tx.connection(), 1);  // the default of migration 0004
    fallback.policy.calendar_id = cal.id;
    fallback.policy.targets = {240, 480, 1440};
    store::update_policy(tx, fallback.policy, fallback.policy.version, start);
    return 0;
  });

  // People: three teams, a supervisor and an admin, four agents per team.
  const std::string password_hash = security::hash_password(kDemoPassword);
  std::vector<store::Id> team_ids;
  std::vector<std::vector<store::Id>> agents_by_team;
  db.write_blocking([&](store::Tx& tx) {
    for (const char* name : {"Billing", "Technical", "Logistics"}) {
      team_ids.push_back(store::create_team(tx, name, start).id);
      agents_by_team.emplace_back();
    }
    store::UserRecord admin{0,     "admin@demo.test", "Alex Admin", Role::admin, std::nullopt, true,
                            start, password_hash};
    store::create_user(tx, admin, start);
    store::UserRecord lead{
        0,     "lead@demo.test", "Sam Lead", Role::supervisor, std::nullopt, true,
        start, password_hash};
    store::create_user(tx, lead, start);
    int n = 0;
    for (std::size_t t = 0; t < team_ids.size(); ++t)
      for (int i = 0; i < 4; ++i, ++n) {
        store::UserRecord agent{0,
                                "agent" + std::to_string(n + 1) + "@demo.test",
                                std::string(kFirstNames[static_cast<std::size_t>(n)]) + " Agent",
                                Role::agent,
                                team_ids[t],
                                true,
                                start,
                                password_hash};
        agents_by_team[t].push_back(store::create_user(tx, agent, start).id);
      }
    return 0;
  });
  summary.teams = static_cast<int>(team_ids.size());
  summary.agents = 14;

  const int customer_count = std::max(1, std::min(400, tickets / 5));
  summary.customers = customer_count;
  // Tickets arrive evenly over 90 days; each lives out a short scripted conversation whose
  // steps never pass `now`.
  constexpr int kPerBatch = 500;
  for (int first = 0; first < tickets; first += kPerBatch) {
    db.write_blocking([&](store::Tx& tx) {
      for (int i = first; i < std::min(tickets, first + kPerBatch); ++i) {
        // Arrivals spread evenly over the 90 days, never later than a minute ago.
        Millis at =
            std::min(now_ms - kMinute,
                     start + static_cast<Millis>((static_cast<double>(i) / tickets) * 90 * kDay) +
                         minutes(30));
        const auto topic = pick(kTopics);
        const int c = std::uniform_int_distribution<int>(0, customer_count - 1)(rng);
        const std::string first_name =
            kFirstNames[static_cast<std::size_t>(c) % kFirstNames.size()];
        const std::string last_name =
            kLastNames[static_cast<std::size_t>(c / 3) % kLastNames.size()];
        const std::size_t team = static_cast<std::size_t>(i) % team_ids.size();
        const store::Id agent = agents_by_team[team][static_cast<std::size_t>(i / 3) % 4];
        const store::Actor staff{ActorKind::agent, agent, Role::agent};
        store::NewTicket nt;
        nt.subject = topic.subject;
        nt.body = topic.question;
        nt.customer = {"customer" + std::to_string(c + 1) + "@example.com",
                       first_name + " " + last_name,
                       kOrganizations[static_cast<std::size_t>(c) % kOrganizations.size()]};
        nt.priority =
            static_cast<domain::Priority>(std::discrete_distribution<int>({15, 60, 20, 5})(rng));
        nt.channel =
            static_cast<domain::Channel>(std::discrete_distribution<int>({50, 25, 10, 10, 5})(rng));
        nt.team_id = team_ids[team];
        nt.assignee_id = agent;
        nt.tags = {topic.tag};
        const store::Actor recorder{ActorKind::agent, agent, Role::agent};
        const store::Id id = store::create_ticket(tx, nt, recorder, at, policy).id;
        ++summary.tickets;
        auto step = [&](double mean_minutes) {
          at += minutes(mean_minutes);
          return at < now_ms;
        };
        if (!step(90)) continue;
        store::add_message(tx, id, {ActorKind::agent, false, topic.answer, Status::pending}, staff,
                           at, policy);
        if (chance(0.35)) {
          if (!step(600)) continue;
          store::add_message(
              tx, id, {ActorKind::customer, false, "Thanks, one more question about this.", {}},
              staff, at, policy);
          if (!step(120)) continue;
          store::add_message(tx, id, {ActorKind::agent, true, "Checked the account history.", {}},
                             staff, at, policy);
          if (!step(60)) continue;
          store::add_message(
              tx, id,
              {ActorKind::agent, false, "Here is the detail you asked for.", Status::pending},
              staff, at, policy);
        }
        if (!step(900)) continue;
        store::change_status(tx, id, Status::resolved, "", staff, at, policy);
        if (chance(0.08)) {  // the fix did not hold: the customer writes again
          if (!step(1440)) continue;
          store::add_message(tx, id,
                             {ActorKind::customer, false, "Sorry, the problem is back.", {}}, staff,
                             at, policy);
          if (!step(120)) continue;
          store::add_message(
              tx, id, {ActorKind::agent, false, "Fixed properly this time, sorry for that.", {}},
              staff, at, policy);
          store::change_status(tx, id, Status::resolved, "", staff, at, policy);
        }
        // The satisfaction check goes out an hour later, through the same store functions as
        // the live job; about half of the customers answer, mostly content.
        const Millis survey_at = at + kHour;
        if (survey_at >= now_ms) continue;  // still queued: the running server sends it
        const auto salt = rng();  // the demo token is never mailed: any unique text will do
        const std::string token_hash =
            security::hash_secret("demo-" + std::to_string(id) + "-" + std::to_string(salt));
        const auto ticket = store::find_ticket(tx.connection(), id);
        const auto survey =
            store::prepare_survey(tx, id, ticket->life.resolution_episode, survey_at);
        if (!survey) continue;
        store::put_survey_token(tx, survey->survey.id, "check", token_hash, survey_at);
        at = survey_at;
        store::mark_survey_sent(tx, survey->survey.id, at, at + 3 * kDay, at + 7 * kDay, policy);
        if (chance(0.45)) {
          if (!step(600)) continue;
          domain::SurveyAnswer answer;
          answer.csat = std::discrete_distribution<int>({3, 4, 8, 30, 55})(rng) + 1;
          answer.resolved = answer.csat >= 3 ? chance(0.95) : chance(0.4);
          answer.nps = std::discrete_distribution<int>({2, 1, 1, 2, 2, 4, 5, 10, 18, 25, 30})(rng);
          answer.ces = std::discrete_distribution<int>({2, 3, 5, 8, 15, 30, 37})(rng) + 1;
          if (answer.csat <= 2) answer.comment = "It took too long to get a real answer.";
          store::answer_survey(tx, token_hash, answer, 2, at, policy);
        } else if (at + 7 * kDay < now_ms) {
          store::expire_survey(tx, survey->survey.id, at + 7 * kDay, policy);
        }
      }
      return 0;
    });
  }
  // The history's mails belong to the past; surveys not due yet stay queued, so the demo's
  // satisfaction loop runs live.
  db.write_blocking([&](store::Tx& tx) { return store::settle_past_jobs(tx, now_ms); });
  summary.login_email = "admin@demo.test";
  summary.login_password = kDemoPassword;
  return summary;
}

}  // namespace hd::app
