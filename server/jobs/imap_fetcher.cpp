#include "jobs/imap_fetcher.hpp"

#include <chrono>

#include "store/inbound_mail.hpp"

namespace hd::jobs {

ImapFetcher::ImapFetcher(MailIntake& intake, store::Database& db, const domain::Clock& clock,
                         std::vector<ImapMailbox> mailboxes, domain::Millis interval_ms, Log log)
    : intake_(intake),
      db_(db),
      clock_(clock),
      mailboxes_(std::move(mailboxes)),
      interval_ms_(interval_ms),
      log_(std::move(log)) {}

ImapFetcher::~ImapFetcher() {
  stop();
}

void ImapFetcher::start() {
  if (mailboxes_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void ImapFetcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ImapFetcher::run() {
  for (;;) {
    poll_once();
    std::unique_lock lock(mutex_);
    if (wake_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; }))
      return;
  }
}

std::size_t ImapFetcher::poll_once() {
  std::size_t filed = 0;
  for (auto& mailbox : mailboxes_) {
    try {
      filed += poll(mailbox);
    } catch (const std::exception& e) {
      // The server is down or refuses us: the position stays, the next poll catches up.
      log_("IMAP mailbox '" + mailbox.name + "': " + e.what());
    }
  }
  return filed;
}

std::size_t ImapFetcher::poll(ImapMailbox& mailbox) {
  mail::ImapClient client(mailbox.source);
  const std::int64_t validity = client.uid_validity();
  const auto position = db_.read_blocking(
      [&](store::Connection& db) { return store::find_imap_position(db, mailbox.name); });
  // A new UIDVALIDITY renumbers the folder: read it all again (known mails are duplicates).
  std::int64_t last = position && position->uid_validity == validity ? position->last_uid : 0;
  std::size_t filed = 0;
  for (const auto uid : client.uids_after(last)) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    const std::string raw = client.fetch(uid);
    const auto result = intake_.accept_blocking(raw, "imap", mailbox.name, [&](store::Tx& tx) {
      store::save_imap_position(tx, mailbox.name, {validity, uid}, clock_.now_ms());
    });
    last = uid;
    ++filed;
    // Only now, with the outcome and the position committed, is the source touched.
    try {
      client.settle(uid);
    } catch (const std::exception& e) {
      log_("IMAP mailbox '" + mailbox.name + "': UID " + std::to_string(uid) + " is filed (" +
           result.outcome + ") but could not be marked at the source: " + e.what());
    }
  }
  return filed;
}

}  // namespace hd::jobs
