#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "domain/clock.hpp"
#include "mail/sender.hpp"

namespace hd::mail {

/// Where and how to hand mails over: the [mail] section of the config.
struct SmtpOptions {
  /// "smtp://host:port" (STARTTLS when the server offers it; required when a login is set;
  /// skipped on loopback unless `ca_file` is set) or "smtps://host:port" (implicit TLS). A path
  /// names the EHLO domain: "smtp://relay.example.com:587/helpdesk.example.com".
  std::string url = "smtp://127.0.0.1:25";
  std::string from = "Helpdesk <helpdesk@localhost>";  ///< the default From and envelope sender
  std::string username, password;                      ///< empty username: no login
  /// A PEM file of the certificate authorities to trust for TLS (a private relay's own CA);
  /// empty: the system's trust store. Given, it also ends the loopback exception above.
  std::string ca_file;
  std::chrono::milliseconds timeout{30000};  ///< for the whole conversation
};

/// Checks the options without connecting: a smtp:// or smtps:// URL with a host, a valid
/// from-address, a positive timeout. Returns one line per problem, empty when all is well,
/// so that start-up can refuse a bad config before the first mail is due.
std::vector<std::string> validate(const SmtpOptions& options);

/// Initializes libcurl once for the process. The app calls it at start-up on the main thread,
/// before any other thread exists (curl_global_init is not thread-safe everywhere);
/// SmtpSender's constructor calls it too, for tools and tests. Throws std::runtime_error if
/// libcurl can't be initialized.
void global_init();

/// Sends mails over SMTP with libcurl: one connection per mail, headers encoded per RFC 5322
/// and 2047, body multipart/alternative (text, then HTML) in quoted-printable UTF-8.
/// Thread contract: send() blocks for up to `timeout`; it runs on job worker threads and may be
/// called from several at once (each call has its own curl handle). `clock` supplies the Date
/// header and must outlive the sender.
class SmtpSender final : public Sender {
 public:
  /// Throws std::invalid_argument listing the problems validate() finds.
  SmtpSender(SmtpOptions options, const domain::Clock& clock);

  /// Throws SendError; see there for what is permanent.
  void send(const Mail& mail) override;

 private:
  SmtpOptions options_;
  Mailbox from_;
  long use_ssl_;  ///< CURLUSESSL_* decided once from the URL and the login
  const domain::Clock& clock_;
};

/// Whether a failed conversation is worth retrying: `curl_code` is the CURLcode of the
/// transfer, `smtp_code` the server's last reply code (0 if none). Exposed for tests.
bool is_permanent_failure(int curl_code, long smtp_code);

}  // namespace hd::mail
