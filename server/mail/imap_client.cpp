#include "mail/imap_client.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <sstream>

namespace hd::mail {

struct ImapClient::Curl {
  CURL* handle = nullptr;
  std::string body;     ///< untagged responses of a custom command
  std::string traffic;  ///< every byte received while capturing (for FETCH literals)
  bool capture = false;
};

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// Receives the server's protocol lines: how a custom FETCH's literal (the message) reaches us,
// since libcurl hands only untagged lines of a custom command to the body callback.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto* curl = static_cast<ImapClient::Curl*>(user);
  if (curl->capture && type == CURLINFO_HEADER_IN) curl->traffic.append(data, size);
  return 0;
}

// "imaps://host:993/INBOX" -> {"imaps://host:993/", "INBOX"}.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {url + "/", "INBOX"};
  std::string folder = url.substr(slash + 1);
  return {url.substr(0, slash + 1), folder.empty() ? "INBOX" : folder};
}

std::string quoted(const std::string& folder) {
  std::string q = "\"";
  for (char c : folder) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + "\"";
}

}  // namespace

ImapClient::ImapClient(ImapSource source) : source_(std::move(source)), curl_(new Curl) {
  curl_->handle = curl_easy_init();
  if (!curl_->handle) throw ImapError("libcurl could not be initialised");
  CURL* h = curl_->handle;
  // Credentials may also come inside the URL (imaps://user:password@host/INBOX).
  if (!source_.username.empty()) curl_easy_setopt(h, CURLOPT_USERNAME, source_.username.c_str());
  if (!source_.password.empty()) curl_easy_setopt(h, CURLOPT_PASSWORD, source_.password.c_str());
  if (source_.require_tls) curl_easy_setopt(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &curl_->body);
  curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(h, CURLOPT_DEBUGDATA, curl_.get());
  curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);  // feeds on_debug; nothing is printed
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 15L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 300L);
  // Response lines up to this long are read whole (a mail's line may be long).
  curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);
}

ImapClient::~ImapClient() {
  if (curl_ && curl_->handle) curl_easy_cleanup(curl_->handle);
}

std::string ImapClient::run(const std::string& path, const std::string& command) {
  const auto [base, folder] = split_url(source_.url);
  const std::string url = base + path;
  curl_->body.clear();
  curl_->traffic.clear();
  curl_easy_setopt(curl_->handle, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl_->handle, CURLOPT_CUSTOMREQUEST, command.c_str());
  const CURLcode rc = curl_easy_perform(curl_->handle);
  if (rc != CURLE_OK)
    throw ImapError("IMAP " + command.substr(0, command.find(' ', 4)) + " on " + base + folder +
                    ": " + curl_easy_strerror(rc));
  return curl_->body;
}

std::int64_t ImapClient::uid_validity() {
  const auto [base, folder] = split_url(source_.url);
  const std::string out = run("", "EXAMINE " + quoted(folder));
  const auto at = out.find("[UIDVALIDITY ");
  if (at == std::string::npos) throw ImapError("the server named no UIDVALIDITY for " + folder);
  std::int64_t value = 0;
  const char* start = out.data() + at + 13;
  std::from_chars(start, out.data() + out.size(), value);
  return value;
}

std::vector<std::int64_t> ImapClient::uids_after(std::int64_t last_uid) {
  const auto [base, folder] = split_url(source_.url);
  const std::string out = run(folder, "UID SEARCH UID " + std::to_string(last_uid + 1) + ":*");
  std::vector<std::int64_t> uids;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("* SEARCH", 0) != 0) continue;
    std::istringstream words(line.substr(8));
    // "n:*" always names the highest UID, even below n: only larger ones count.
    for (std::int64_t uid; words >> uid;)
      if (uid > last_uid) uids.push_back(uid);
  }
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

std::string ImapClient::fetch(std::int64_t uid) {
  const auto [base, folder] = split_url(source_.url);
  curl_->capture = true;
  try {
    // BODY.PEEK: reading the message sets no \Seen flag; only settle() marks it.
    run(folder, "UID FETCH " + std::to_string(uid) + " BODY.PEEK[]");
  } catch (...) {
    curl_->capture = false;
    throw;
  }
  curl_->capture = false;
  const std::string& t = curl_->traffic;
  // "* 12 FETCH (UID 7 BODY[] {1234}\r\n<1234 bytes>)\r\n"
  const auto body = t.find("BODY[] {");
  if (body == std::string::npos) throw ImapError("message UID " + std::to_string(uid) + " is gone");
  std::size_t size = 0;
  const auto [end, ec] = std::from_chars(t.data() + body + 8, t.data() + t.size(), size);
  if (ec != std::errc{} || end + 3 > t.data() + t.size() || end[0] != '}' || end[1] != '\r' ||
      end[2] != '\n')
    throw ImapError("malformed FETCH answer for UID " + std::to_string(uid));
  const std::size_t start = static_cast<std::size_t>(end + 3 - t.data());
  if (start + size > t.size())
    throw ImapError("FETCH answer for UID " + std::to_string(uid) + " is incomplete");
  return t.substr(start, size);
}

void ImapClient::settle(std::int64_t uid) {
  const auto [base, folder] = split_url(source_.url);
  const std::string id = std::to_string(uid);
  if (source_.after == "none") return;
  if (source_.after == "seen") {
    run(folder, "UID STORE " + id + " +FLAGS.SILENT (\\Seen)");
  } else if (source_.after == "delete") {
    run(folder, "UID STORE " + id + " +FLAGS.SILENT (\\Deleted)");
    run(folder, "UID EXPUNGE " + id);
  } else if (source_.after.rfind("move:", 0) == 0) {
    run(folder, "UID MOVE " + id + " " + quoted(source_.after.substr(5)));
  }
}

}  // namespace hd::mail
