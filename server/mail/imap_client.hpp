#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace hd::mail {

/// One IMAP mailbox to read from.
struct ImapSource {
  /// imaps://host[:port]/FOLDER (TLS from the start) or imap://host[:port]/FOLDER.
  std::string url;
  std::string username, password;
  bool require_tls = true;  ///< imap:// then insists on STARTTLS
  /// What happens at the source once a message is committed here: "seen" (flag \Seen),
  /// "delete" (flag \Deleted and expunge), "move:FOLDER", or "none".
  std::string after = "seen";
};

/// An IMAP failure (connection, login, protocol); the fetcher retries later.
struct ImapError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A blocking IMAP client on libcurl, for one mailbox. Thread contract: one thread at a time;
/// the connection is kept between calls.
class ImapClient {
 public:
  explicit ImapClient(ImapSource source);
  ~ImapClient();
  ImapClient(const ImapClient&) = delete;
  ImapClient& operator=(const ImapClient&) = delete;

  /// The folder's UIDVALIDITY (EXAMINE).
  std::int64_t uid_validity();
  /// UIDs greater than `last_uid`, ascending (UID SEARCH).
  std::vector<std::int64_t> uids_after(std::int64_t last_uid);
  /// The raw message with this UID (UID FETCH BODY.PEEK[]: fetching marks nothing).
  std::string fetch(std::int64_t uid);
  /// Applies `after` to the message: call only once its outcome is committed.
  void settle(std::int64_t uid);

  struct Curl;  ///< the libcurl handle and buffers (defined in the .cpp only)

 private:
  std::string run(const std::string& url_suffix, const std::string& command);
  ImapSource source_;
  std::unique_ptr<Curl> curl_;
};

}  // namespace hd::mail
