#include "mail/smtp_sender.hpp"

#include <curl/curl.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>

namespace hd::mail {
namespace {

/// A loopback port that nothing listens on: bound once by the kernel's choice, then closed.
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

Mail a_mail() {
  Mail m;
  m.to = "ana@example.com";
  m.subject = "[#1] Hello";
  m.text = "Hello";
  return m;
}

TEST_CASE("validate lists every problem of the [mail] options") {
  CHECK(validate(SmtpOptions{}).empty());
  SmtpOptions ok;
  ok.url = "smtps://mail.example.com:465";
  ok.username = "helpdesk";
  ok.password = "secret";
  CHECK(validate(ok).empty());

  SmtpOptions bad;
  bad.url = "http://mail.example.com";
  bad.from = "Helpdesk";
  bad.username = "helpdesk";
  bad.timeout = std::chrono::milliseconds{0};
  const auto problems = validate(bad);
  CHECK(problems.size() == 4);
  bad.url = "not a url";
  CHECK(validate(bad).size() == 4);

  domain::ManualClock clock{0};
  CHECK_THROWS_AS(SmtpSender(bad, clock), std::invalid_argument);
}

TEST_CASE("validate refuses a CA file that cannot be read, and takes one that can") {
  SmtpOptions options;
  options.ca_file = "/nonexistent/helpdesk-ca.pem";
  const auto problems = validate(options);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].find("mail.ca_file") != std::string::npos);
  options.ca_file = "/etc/passwd";  // readable; its content is libcurl's to judge when sending
  CHECK(validate(options).empty());
}

TEST_CASE("only a 5xx refusal of the mail is permanent") {
  CHECK(is_permanent_failure(CURLE_SEND_ERROR, 550));          // RCPT TO refused
  CHECK(is_permanent_failure(CURLE_SEND_ERROR, 552));          // too big
  CHECK(is_permanent_failure(CURLE_WEIRD_SERVER_REPLY, 554));  // refused after the data
  CHECK_FALSE(is_permanent_failure(CURLE_SEND_ERROR, 451));    // greylisting: try later
  CHECK_FALSE(is_permanent_failure(CURLE_SEND_ERROR, 421));
  CHECK_FALSE(is_permanent_failure(CURLE_COULDNT_CONNECT, 0));
  CHECK_FALSE(is_permanent_failure(CURLE_OPERATION_TIMEDOUT, 250));
  CHECK_FALSE(is_permanent_failure(CURLE_LOGIN_DENIED, 535));  // the config's fault
  CHECK_FALSE(is_permanent_failure(CURLE_USE_SSL_FAILED, 0));
  CHECK_FALSE(is_permanent_failure(CURLE_PEER_FAILED_VERIFICATION, 0));
}

TEST_CASE("a mail server that is down is a quick transient failure") {
  domain::ManualClock clock{0};
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
  options.timeout = std::chrono::milliseconds{5000};
  SmtpSender sender{options, clock};
  const auto start = std::chrono::steady_clock::now();
  try {
    sender.send(a_mail());
    FAIL("send succeeded without a server");
  } catch (const SendError& e) {
    CHECK_FALSE(e.permanent);
    CHECK(std::string(e.what()).find("SMTP") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds{2});
}

TEST_CASE("a malformed mail is refused permanently before any connection") {
  domain::ManualClock clock{0};
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
  SmtpSender sender{options, clock};
  auto expect_permanent = [&](const Mail& m) {
    try {
      sender.send(m);
      FAIL("send accepted a malformed mail");
    } catch (const SendError& e) {
      CHECK(e.permanent);
    }
  };
  auto m = a_mail();
  m.to = "ana@example.com>\r\nRCPT TO:<eve@example.org";
  expect_permanent(m);
  m = a_mail();
  m.from = "nobody";
  expect_permanent(m);
  m = a_mail();
  m.message_id = "<id@x>\r\nBcc: eve@example.org";
  expect_permanent(m);
  m = a_mail();
  m.references = {"not-an-id"};
  expect_permanent(m);
  m = a_mail();
  m.extra_headers = {{"Bcc", "eve@example.org"}};
  expect_permanent(m);
  m = a_mail();
  m.extra_headers = {{"X-Bad Name", "v"}};
  expect_permanent(m);
}

TEST_CASE("a well-formed mail gets as far as the connection") {
  domain::ManualClock clock{0};
  SmtpOptions options;
  options.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
  SmtpSender sender{options, clock};
  auto m = a_mail();
  m.from = "\"Zoë, Support\" <help@example.com>";
  m.to_name = "Ana <Admin>";
  m.subject = "[#1] Grüße\r\nBcc: eve@example.org";
  m.html = "<p>Hello</p>";
  thread_into_ticket(m, 1, 2, "example.com", "<orig@example.org>");
  m.extra_headers = {{"Reply-To", "help+1@example.com"}, {"Auto-Submitted", "auto-replied"}};
  try {
    sender.send(m);
    FAIL("send succeeded without a server");
  } catch (const SendError& e) {
    CHECK_FALSE(e.permanent);  // refused by the closed port, not by validation
  }
}

}  // namespace
}  // namespace hd::mail
