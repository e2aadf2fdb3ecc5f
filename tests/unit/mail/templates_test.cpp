#include "mail/templates.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

namespace hd::mail {
namespace {

const std::string kHostile = "Ana & <script>alert(1)</script> \"O'Neil\"";
const std::string kHostileEscaped =
    "Ana &amp; &lt;script&gt;alert(1)&lt;/script&gt; &quot;O&apos;Neil&quot;";

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

/// What every rendered mail must be: both parts, an accessible document, no raw user markup
/// and no mustache tag left behind.
void check_common(const RenderedMail& m) {
  CHECK_FALSE(m.subject.empty());
  CHECK_FALSE(m.text.empty());
  CHECK(contains(m.html, "<html lang=\"en\">"));
  CHECK(contains(m.html, "<title>"));
  CHECK(contains(m.html, "name=\"viewport\""));
  CHECK_FALSE(contains(m.html, "<script"));
  CHECK_FALSE(contains(m.text, "{{"));
  CHECK_FALSE(contains(m.html, "{{"));
  CHECK_FALSE(contains(m.text, "&amp;"));  // the text part is not HTML-escaped
}

SurveyInvitation survey() {
  return {123,
          "Printer <jammed> & stuck",
          kHostile,
          "https://hd.example/s/tok",
          "https://hd.example/survey/opt-out?t=abc&u=1",
          "https://hd.example/p/tok"};
}

TEST_CASE("ticket received: tag, escaped name and subject, the portal link in both parts") {
  const auto m = render_ticket_received(
      {123, "Printer <jammed> & stuck", kHostile, "https://hd.example/p/tok?a=1&b=2"});
  check_common(m);
  CHECK(m.subject == "[#123] Printer <jammed> & stuck");
  CHECK(contains(m.html, kHostileEscaped));
  CHECK(contains(m.html, "Printer &lt;jammed&gt; &amp; stuck"));
  CHECK(contains(m.html, "href=\"https://hd.example/p/tok?a=1&amp;b=2\""));
  CHECK(contains(m.text, kHostile));
  CHECK(contains(m.text, "https://hd.example/p/tok?a=1&b=2"));
  CHECK(contains(m.text, "#123"));
  CHECK(m.headers.at(0) == std::pair<std::string, std::string>{"Auto-Submitted", "auto-replied"});
}

TEST_CASE("a greeting without a name stays grammatical") {
  const auto m = render_ticket_received({5, "Hi", "", "https://hd.example/p"});
  CHECK(m.text.starts_with("Hello,\n"));
  CHECK(contains(m.html, ">Hello,</p>"));
}

TEST_CASE("agent reply: body escaped, line breaks become <br>, paragraphs stay") {
  const auto m = render_agent_reply({77, "VPN", "Bob & <i>Co</i>",
                                     "Hi Ana,\n\nrun <this> & that:\r\nstep 1\nstep 2\n\n",
                                     "https://hd.example/p/77"});
  check_common(m);
  CHECK(m.subject == "[#77] VPN");
  CHECK(contains(m.html, "run &lt;this&gt; &amp; that:<br>\nstep 1<br>\nstep 2</p>"));
  CHECK(contains(m.html, ">Hi Ana,</p>"));
  CHECK(contains(m.html, "Bob &amp; &lt;i&gt;Co&lt;/i&gt;"));
  CHECK_FALSE(contains(m.html, "<i>"));
  CHECK(contains(m.text, "run <this> & that:\r\nstep 1\nstep 2\n\n-- \nBob & <i>Co</i>"));
  CHECK(contains(m.text, "https://hd.example/p/77"));
  CHECK(m.headers.empty());  // a person wrote it: no Auto-Submitted
}

TEST_CASE("a script in an agent reply is shown, not run") {
  const auto m = render_agent_reply({1, "x", "Bob", "<script>alert('x')</script>", "u"});
  CHECK(contains(m.html, "&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"));
  CHECK_FALSE(contains(m.html, "<script"));
}

TEST_CASE("satisfaction check: five labelled rating links, opt-out, in both parts") {
  const auto m = render_satisfaction_check(survey());
  check_common(m);
  CHECK(m.subject == "[#123] Printer <jammed> & stuck");
  CHECK(contains(m.html, kHostileEscaped));
  for (int score = 1; score <= 5; ++score) {
    CAPTURE(score);
    const auto url = "https://hd.example/s/tok?score=" + std::to_string(score);
    CHECK(contains(m.html, "<a href=\"" + url + "\""));
    CHECK(contains(m.text, url));
    // A button says what it means in words, not only a number or a colour.
    CHECK(contains(m.html, std::to_string(score) + " &ndash; " +
                               std::string(kRatingLabels[score - 1]) + "</a>"));
    CHECK(contains(m.text, std::to_string(score) + " - " + std::string(kRatingLabels[score - 1])));
  }
  CHECK_FALSE(contains(m.html, "score=0"));
  CHECK_FALSE(contains(m.html, "score=6"));
  CHECK(contains(m.html, "href=\"https://hd.example/survey/opt-out?t=abc&amp;u=1\""));
  CHECK(contains(m.text, "https://hd.example/survey/opt-out?t=abc&u=1"));
  CHECK(contains(m.text, "https://hd.example/p/tok"));
  CHECK(contains(m.html, "href=\"https://hd.example/p/tok\""));
  CHECK(contains(m.text, "has been resolved"));
  const std::vector<std::pair<std::string, std::string>> headers{
      {"Auto-Submitted", "auto-generated"},
      {"List-Unsubscribe", "<https://hd.example/survey/opt-out?t=abc&u=1>"}};
  CHECK(m.headers == headers);
}

TEST_CASE("survey reminder: the same links, another text") {
  const auto check = render_satisfaction_check(survey());
  const auto m = render_survey_reminder(survey());
  check_common(m);
  CHECK(m.text != check.text);
  CHECK(contains(m.text, "still value your answer"));
  CHECK_FALSE(contains(m.text, "has been resolved"));
  for (int score = 1; score <= 5; ++score)
    CHECK(contains(m.html, "https://hd.example/s/tok?score=" + std::to_string(score)));
  CHECK(contains(m.text, "https://hd.example/survey/opt-out?t=abc&u=1"));
}

TEST_CASE("rating_url adds score to any survey URL") {
  CHECK(rating_url("https://x/s/t", 3) == "https://x/s/t?score=3");
  CHECK(rating_url("https://x/s?t=1", 4) == "https://x/s?t=1&score=4");
  CHECK(rating_url("https://x/s?", 1) == "https://x/s?score=1");
  CHECK(rating_url("https://x/s#top", 5) == "https://x/s?score=5#top");
}

TEST_CASE("magic link: the link in both parts, validity only when known") {
  auto m = render_magic_link({kHostile, "https://hd.example/m/tok", "24 hours"});
  check_common(m);
  CHECK(contains(m.html, kHostileEscaped));
  CHECK(contains(m.html, "href=\"https://hd.example/m/tok\""));
  CHECK(contains(m.text, "https://hd.example/m/tok"));
  CHECK(contains(m.text, "valid for 24 hours"));
  m = render_magic_link({"", "https://hd.example/m/tok", ""});
  CHECK_FALSE(contains(m.text, "valid for"));
  CHECK_FALSE(contains(m.text, "\n\n\n"));
}

TEST_CASE("agent notification: who, which ticket, the score and the escaped comment") {
  const auto m = render_agent_notification({123, "Printer", "Bob", kHostile, 2,
                                            "Still <b>broken</b> & slow\nreally\n",
                                            "https://hd.example/app/tickets/123"});
  check_common(m);
  CHECK(m.subject == "[#123] Reopened: Printer");
  CHECK(contains(m.html, kHostileEscaped));
  CHECK(contains(m.html, "Still &lt;b&gt;broken&lt;/b&gt; &amp; slow<br>\nreally"));
  CHECK(contains(m.html, "rating 2 of 5: Dissatisfied"));
  CHECK(contains(m.text, "> Still <b>broken</b> & slow\n> really\n"));
  CHECK(contains(m.text, "https://hd.example/app/tickets/123"));
  CHECK(contains(m.html, "href=\"https://hd.example/app/tickets/123\""));

  const auto bare = render_agent_notification({9, "Printer", "", "", std::nullopt, "  \n", "u"});
  CHECK(contains(bare.text, "The customer was not satisfied"));
  CHECK_FALSE(contains(bare.text, "rating"));
  CHECK_FALSE(contains(bare.text, "comment"));
  CHECK_FALSE(contains(bare.text, "\n\n\n"));
  CHECK_FALSE(contains(bare.html, "<blockquote"));
}

TEST_CASE("SLA alert: warning and breach say which target and when, escaped") {
  const auto breach =
      render_sla_alert({77, kHostile, "Sue", true, "first_response", "2026-12-01 14:00 UTC",
                        "https://hd.example/app/tickets/77"});
  check_common(breach);
  CHECK(breach.subject.starts_with("[#77] SLA breached (first response): "));
  CHECK(
      contains(breach.text, "missed its first response target: it was due 2026-12-01 14:00 UTC."));
  CHECK(contains(breach.html, kHostileEscaped));
  CHECK(contains(breach.html, "href=\"https://hd.example/app/tickets/77\""));

  const auto warning =
      render_sla_alert({5, "Printer", "Sue", false, "resolution", "2026-12-02 09:30 UTC", ""});
  CHECK(warning.subject == "[#5] SLA due soon (resolution): Printer");
  CHECK(
      contains(warning.text, "is close to its resolution target: it is due 2026-12-02 09:30 UTC."));
  CHECK_FALSE(contains(warning.html, "<a "));
  CHECK_FALSE(contains(warning.text, "\n\n\n"));
}

TEST_CASE("an empty link leaves no dead link and no dangling sentence") {
  SurveyInvitation bare{8, "s", "", "https://hd.example/s/t", "", ""};
  const auto m = render_satisfaction_check(bare);
  CHECK_FALSE(contains(m.html, "href=\"\""));
  CHECK_FALSE(contains(m.text, "Your ticket:"));
  CHECK_FALSE(contains(m.text, "no more surveys"));
  CHECK(m.headers.size() == 1);  // no List-Unsubscribe without an opt-out link
  CHECK(contains(m.text, "https://hd.example/s/t?score=5"));
  for (const auto& r :
       {render_ticket_received({1, "s", "", ""}), render_agent_reply({1, "s", "Bob", "Hi", ""}),
        render_agent_notification({1, "s", "", "", std::nullopt, "", ""})}) {
    CHECK_FALSE(contains(r.html, "href=\"\""));
    CHECK_FALSE(contains(r.html, "<a "));
    CHECK(r.text.ends_with(".\n"));
  }
}

TEST_CASE("no text part has runs of blank lines from skipped sections") {
  for (const auto& m :
       {render_ticket_received({1, "s", "", "u"}), render_satisfaction_check(survey()),
        render_survey_reminder(survey()), render_magic_link({"", "u", ""}),
        render_agent_notification({1, "s", "", "", std::nullopt, "", "u"})}) {
    CAPTURE(m.text);
    CHECK_FALSE(contains(m.text, "\n\n\n"));
  }
}

TEST_CASE("a template parsed once renders each mail from its own values, on any thread") {
  const auto render = [](const std::string& name) {
    return render_agent_reply({7, "VPN", name, "Hello " + name, "https://hd.example/t/7"});
  };
  const auto ana = render("Ana");
  const auto bob = render("Bob");  // the same templates again, now parsed
  CHECK(contains(bob.text, "Hello Bob"));
  CHECK(contains(bob.html, "Hello Bob"));
  CHECK_FALSE(contains(bob.text + bob.html, "Ana"));
  RenderedMail elsewhere;
  std::thread([&] { elsewhere = render("Ana"); }).join();  // a job worker's own parse
  CHECK(elsewhere.subject == ana.subject);
  CHECK(elsewhere.text == ana.text);
  CHECK(elsewhere.html == ana.html);
}

}  // namespace
}  // namespace hd::mail
