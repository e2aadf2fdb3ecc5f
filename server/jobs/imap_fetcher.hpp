#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "domain/clock.hpp"
#include "jobs/mail_intake.hpp"
#include "mail/imap_client.hpp"

namespace hd::jobs {

/// One IMAP mailbox the fetcher reads; `name` is its mailbox route and its position's key.
struct ImapMailbox {
  std::string name;
  mail::ImapSource source;
};

/// Reads IMAP mailboxes into the intake, on its own thread (IMAP calls block). Per mailbox:
/// messages are fetched by UID above the last committed one (UIDVALIDITY tracked: a new one
/// starts over, duplicates are recognised by Message-ID); each message is filed with its new
/// position in the same transaction; only then is it flagged, moved or deleted at the source.
/// After an outage it catches up from the stored position.
/// Thread contract: start() and stop() from one thread; intake, db and clock outlive this.
class ImapFetcher {
 public:
  using Log = std::function<void(const std::string&)>;

  ImapFetcher(MailIntake& intake, store::Database& db, const domain::Clock& clock,
              std::vector<ImapMailbox> mailboxes, domain::Millis interval_ms, Log log);
  ~ImapFetcher();

  void start();
  /// Stops after the message in hand (its commit and settle finish first).
  void stop();

  /// Reads every mailbox once; returns how many messages were filed. For tests and start().
  std::size_t poll_once();

 private:
  std::size_t poll(ImapMailbox& mailbox);
  void run();

  MailIntake& intake_;
  store::Database& db_;
  const domain::Clock& clock_;
  std::vector<ImapMailbox> mailboxes_;
  domain::Millis interval_ms_;
  Log log_;
  std::mutex mutex_;  ///< guards stopping_
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace hd::jobs
