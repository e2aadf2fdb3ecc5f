#pragma once

#include <stdexcept>
#include <string>

#include "mail/message.hpp"

namespace hd::mail {

/// A mail that could not be handed over. `permanent` says whether trying again can help:
/// true when the server refused this very mail (a 5xx reply to MAIL FROM, RCPT TO or the data)
/// or the mail itself is malformed (an invalid address); false for everything that may pass
/// (connection refused or lost, timeouts, 4xx replies, and also TLS and login failures, which
/// are the configuration's fault and must not cost the mail). The job runner retries transient
/// failures with back-off and records permanent ones; nothing is dropped silently.
/// The message names the stage and the server's reply code; it never contains a password.
struct SendError : std::runtime_error {
  bool permanent;

  SendError(const std::string& what, bool is_permanent)
      : std::runtime_error(what), permanent(is_permanent) {}
};

/// Hands mails to a mail server. Behind this interface so that jobs can be tested with a
/// fake (STYLE.md: fakes only behind interfaces).
/// Thread contract: send() blocks until the server has accepted the mail (or refused it) and
/// is called from a job worker thread, never from an I/O thread. Implementations allow
/// concurrent calls from several workers.
class Sender {
 public:
  virtual ~Sender();

  /// Delivers `mail` to the server. Returns once the server has taken responsibility for it.
  /// Throws SendError on failure.
  virtual void send(const Mail& mail) = 0;
};

}  // namespace hd::mail
