#include "mail/smtp_sender.hpp"

#include <curl/curl.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace hd::mail {
namespace {

struct CurlDeleter {
  void operator()(CURL* p) const { curl_easy_cleanup(p); }
  void operator()(curl_mime* p) const { curl_mime_free(p); }
  void operator()(curl_slist* p) const { curl_slist_free_all(p); }
  void operator()(CURLU* p) const { curl_url_cleanup(p); }
  void operator()(char* p) const { curl_free(p); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using MimePtr = std::unique_ptr<curl_mime, CurlDeleter>;
using UrlPtr = std::unique_ptr<CURLU, CurlDeleter>;
using CurlString = std::unique_ptr<char, CurlDeleter>;

/// A curl string list that owns its nodes; curl copies each string it is given.
class Slist {
 public:
  void append(const std::string& line) {
    auto* grown = curl_slist_append(head_.get(), line.c_str());
    if (!grown) throw SendError("out of memory building the mail", false);
    (void)head_.release();  // the list's head stays the same node once it exists
    head_.reset(grown);
  }
  curl_slist* get() const { return head_.get(); }
  curl_slist* release() { return head_.release(); }

 private:
  std::unique_ptr<curl_slist, CurlDeleter> head_;
};

/// Headers this sender writes itself, or that would mislead: a Cc or Bcc header names
/// people the envelope doesn't reach. extra_headers may not carry them.
constexpr std::string_view kOwnHeaders[] = {"from",
                                            "to",
                                            "cc",
                                            "bcc",
                                            "subject",
                                            "date",
                                            "message-id",
                                            "in-reply-to",
                                            "references",
                                            "mime-version",
                                            "content-type",
                                            "content-transfer-encoding",
                                            "content-disposition"};

/// The SMTP conversation as libcurl's debug callback sees it, so that a refusal can be reported
/// in the mail server's own words: the last command (credentials never kept) and the complete
/// reply to it.
struct Conversation {
  std::string command;  ///< e.g. "RCPT TO:<ana@example.com>"
  std::string reply;    ///< e.g. "550 5.1.1 No such user", lines of a multi-line reply joined
  /// The first command the server refused (4xx/5xx) and its reply: curl says QUIT after it.
  std::string refused_command, refusal;
};

bool starts_with_verb(std::string_view line, std::string_view verb) {
  if (line.size() < verb.size()) return false;
  for (std::size_t i = 0; i < verb.size(); ++i)
    if (std::toupper(static_cast<unsigned char>(line[i])) != verb[i]) return false;
  return true;
}

int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* user) {
  auto& c = *static_cast<Conversation*>(user);
  std::string_view text(data, size);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  if (type == CURLINFO_HEADER_OUT) {
    // Only plain commands are kept: AUTH's arguments and the lines after it are credentials.
    c.command = "(authentication)";
    for (std::string_view verb :
         {"EHLO", "HELO", "MAIL FROM", "RCPT TO", "DATA", "QUIT", "STARTTLS", "RSET", "NOOP"})
      if (starts_with_verb(text, verb)) c.command = std::string(text.substr(0, 300));
    c.reply.clear();
  } else if (type == CURLINFO_HEADER_IN && c.reply.size() < 1000) {
    std::string line(text.substr(0, 500));
    for (auto& ch : line)
      if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = ' ';
    c.reply += (c.reply.empty() ? "" : " / ") + line;
    const bool last_line = line.size() < 4 || line[3] == ' ';
    if (last_line && (line[0] == '4' || line[0] == '5') && c.refusal.empty()) {
      c.refused_command = c.command;
      c.refusal = c.reply;
    }
  }
  return 0;
}

/// "the recipient <ana@example.com>" for a refused RCPT TO, and so on.
std::string refused_part(const std::string& command) {
  const auto address = [&] {
    const auto open = command.find('<'), close = command.find('>');
    return open != std::string::npos && close != std::string::npos && close > open
               ? command.substr(open, close - open + 1)
               : std::string();
  };
  if (starts_with_verb(command, "RCPT TO")) return "the recipient " + address();
  if (starts_with_verb(command, "MAIL FROM")) return "the sender " + address();
  if (starts_with_verb(command, "DATA")) return "the message";
  return command.empty() ? "the connection" : command;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

/// A header field name: printable ASCII except ':' and space (RFC 5322 ftext).
bool is_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c <= ' ' || c >= 0x7f || c == ':') return false;
  return true;
}

/// Line ends as SMTP wants them: every "\n" not preceded by "\r" becomes "\r\n", so the
/// quoted-printable encoder sees real line breaks instead of encoding bare LFs as =0A.
std::string crlf(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  return out;
}

bool is_loopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1";
}

struct ParsedUrl {
  std::string scheme, host;
};

std::optional<ParsedUrl> parse_url(const std::string& url) {
  UrlPtr handle{curl_url()};
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
    return std::nullopt;
  auto part = [&](CURLUPart which) -> std::string {
    char* raw = nullptr;
    if (curl_url_get(handle.get(), which, &raw, 0) != CURLUE_OK) return {};
    CurlString owned{raw};
    return raw ? std::string(raw) : std::string();
  };
  return ParsedUrl{part(CURLUPART_SCHEME), part(CURLUPART_HOST)};
}

void check(CURLcode rc, const char* what) {
  if (rc != CURLE_OK)
    throw SendError(std::string("setting up the SMTP transfer failed (") + what +
                        "): " + curl_easy_strerror(rc),
                    false);
}

void add_part(curl_mime* mime, const std::string& body, const char* type) {
  curl_mimepart* part = curl_mime_addpart(mime);
  if (!part) throw SendError("out of memory building the mail", false);
  check(curl_mime_data(part, body.data(), body.size()), "part data");
  check(curl_mime_type(part, type), "part type");
  check(curl_mime_encoder(part, "quoted-printable"), "part encoder");
}

}  // namespace

std::vector<std::string> validate(const SmtpOptions& options) {
  std::vector<std::string> problems;
  const auto url = parse_url(options.url);
  if (!url || url->host.empty())
    problems.push_back("mail.smtp_url: not a URL with a host: \"" + options.url + "\"");
  else if (url->scheme != "smtp" && url->scheme != "smtps")
    problems.push_back("mail.smtp_url: the scheme must be smtp:// or smtps://, not " + url->scheme +
                       "://");
  if (!parse_mailbox(options.from))
    problems.push_back("mail.from: not an address like \"Helpdesk <help@example.com>\": \"" +
                       options.from + "\"");
  if (options.username.empty() != options.password.empty())
    problems.push_back("mail.username and mail.password: give both or neither");
  if (options.timeout.count() <= 0) problems.push_back("mail timeout: must be positive");
  if (!options.ca_file.empty() && ::access(options.ca_file.c_str(), R_OK) != 0)
    problems.push_back("mail.ca_file: cannot read \"" + options.ca_file + "\"");
  return problems;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
      throw std::runtime_error("libcurl could not be initialized");
  });
}

bool is_permanent_failure(int curl_code, long smtp_code) {
  switch (static_cast<CURLcode>(curl_code)) {
    // What curl reports when the server answers MAIL FROM, RCPT TO, DATA or the final dot
    // with anything but success. Other codes (connect, timeout, TLS, login) are never the
    // mail's fault, whatever the last reply code was.
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_WEIRD_SERVER_REPLY:
      return smtp_code >= 500 && smtp_code <= 599;
    default:
      return false;
  }
}

SmtpSender::SmtpSender(SmtpOptions options, const domain::Clock& clock)
    : options_(std::move(options)), use_ssl_(CURLUSESSL_NONE), clock_(clock) {
  global_init();
  if (const auto problems = validate(options_); !problems.empty()) {
    std::string all;
    for (const auto& p : problems) all += (all.empty() ? "" : "\n") + p;
    throw std::invalid_argument(all);
  }
  from_ = *parse_mailbox(options_.from);
  const auto url = *parse_url(options_.url);
  // The order decides: implicit TLS, then the loopback exception, then a login (two branches
  // choose CURLUSESSL_ALL for different reasons, kept apart on purpose).
  if (url.scheme == "smtps")
    // NOLINTNEXTLINE(bugprone-branch-clone)
    use_ssl_ = CURLUSESSL_ALL;  // implicit TLS; the option only makes the intent explicit
  else if (is_loopback(url.host) && options_.ca_file.empty())
    use_ssl_ = CURLUSESSL_NONE;  // never leaves the machine; a local relay's self-signed
                                 // certificate (Debian's snakeoil) would fail verification,
                                 // unless its CA is named in ca_file
  else if (!options_.username.empty())
    use_ssl_ = CURLUSESSL_ALL;  // never send a password in clear: STARTTLS or nothing
  else
    use_ssl_ = CURLUSESSL_TRY;  // opportunistic STARTTLS
}

void SmtpSender::send(const Mail& mail) {
  Mailbox from = from_;
  if (!mail.from.empty()) {
    auto parsed = parse_mailbox(mail.from);
    if (!parsed) throw SendError("invalid From address", true);
    from = std::move(*parsed);
  }
  if (!is_valid_address(mail.to)) throw SendError("invalid recipient address", true);

  Slist headers;
  headers.append("From: " + format_mailbox(from.name, from.address));
  headers.append("To: " + format_mailbox(mail.to_name, mail.to));
  headers.append("Subject: " + encode_header_text(mail.subject));
  headers.append("Date: " + rfc5322_date(clock_.now_ms()));
  if (!mail.message_id.empty()) {
    if (!is_valid_message_id(mail.message_id)) throw SendError("malformed Message-ID", true);
    headers.append("Message-ID: " + mail.message_id);
  }
  if (!mail.in_reply_to.empty()) {
    if (!is_valid_message_id(mail.in_reply_to)) throw SendError("malformed In-Reply-To", true);
    headers.append("In-Reply-To: " + mail.in_reply_to);
  }
  if (!mail.references.empty()) {
    std::string line = "References:";
    for (const auto& id : mail.references) {
      if (!is_valid_message_id(id)) throw SendError("malformed References entry", true);
      line += (line.size() == 11 ? " " : "\r\n ") + id;  // one id per line keeps lines short
    }
    headers.append(line);
  }
  headers.append("MIME-Version: 1.0");
  for (const auto& [name, value] : mail.extra_headers) {
    if (!is_header_name(name)) throw SendError("invalid header name", true);
    for (auto own : kOwnHeaders)
      if (iequals(name, own)) throw SendError("extra header repeats " + name, true);
    headers.append(name + ": " + encode_header_text(value));
  }

  CurlPtr curl{curl_easy_init()};
  if (!curl) throw SendError("libcurl could not create a handle", false);
  CURL* const h = curl.get();

  // The body: a text part, or text and HTML as alternatives (the last is the preferred one).
  // curl makes the root multipart/mixed; the alternative sits inside it, as in curl's
  // smtp-mime example, because curl offers no way to give the root another type.
  MimePtr root{curl_mime_init(h)};
  if (!root) throw SendError("out of memory building the mail", false);
  const auto text = crlf(mail.text);
  if (mail.html.empty()) {
    add_part(root.get(), text, "text/plain; charset=utf-8");
  } else {
    MimePtr alternative{curl_mime_init(h)};
    if (!alternative) throw SendError("out of memory building the mail", false);
    add_part(alternative.get(), text, "text/plain; charset=utf-8");
    add_part(alternative.get(), crlf(mail.html), "text/html; charset=utf-8");
    curl_mimepart* part = curl_mime_addpart(root.get());
    if (!part) throw SendError("out of memory building the mail", false);
    check(curl_mime_subparts(part, alternative.get()), "alternative parts");
    (void)alternative.release();  // the part owns it now
    check(curl_mime_type(part, "multipart/alternative"), "alternative type");
    Slist disposition;
    disposition.append("Content-Disposition: inline");
    check(curl_mime_headers(part, disposition.get(), 1), "alternative headers");
    (void)disposition.release();
  }

  Slist recipients;
  recipients.append("<" + mail.to + ">");
  const std::string envelope_from = "<" + from.address + ">";
  char error[CURL_ERROR_SIZE] = {};

  check(curl_easy_setopt(h, CURLOPT_URL, options_.url.c_str()), "url");
  check(curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps"), "protocols");
  check(curl_easy_setopt(h, CURLOPT_USE_SSL, use_ssl_), "tls");
  check(curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L), "nosignal");  // worker threads
  check(curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count())),
        "timeout");
  check(curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count())),
        "connect timeout");
  check(curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error), "error buffer");
  Conversation conversation;
  check(curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug), "debug function");
  check(curl_easy_setopt(h, CURLOPT_DEBUGDATA, &conversation), "debug data");
  check(curl_easy_setopt(h, CURLOPT_VERBOSE, 1L), "verbose");
  if (!options_.ca_file.empty())
    check(curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_file.c_str()), "ca file");
  if (!options_.username.empty()) {
    check(curl_easy_setopt(h, CURLOPT_USERNAME, options_.username.c_str()), "username");
    check(curl_easy_setopt(h, CURLOPT_PASSWORD, options_.password.c_str()), "password");
  }
  check(curl_easy_setopt(h, CURLOPT_MAIL_FROM, envelope_from.c_str()), "mail from");
  check(curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get()), "recipients");
  check(curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get()), "headers");
  check(curl_easy_setopt(h, CURLOPT_MIMEPOST, root.get()), "body");

  const CURLcode rc = curl_easy_perform(h);
  if (rc == CURLE_OK) return;
  long reply = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
  std::string what = "SMTP: ";
  if (!conversation.refusal.empty()) {
    // The server said no: its own code and words, and what it refused.
    what += "the mail server refused " + refused_part(conversation.refused_command) + ": " +
            conversation.refusal;
  } else {
    what += error[0] ? error : curl_easy_strerror(rc);
    if (reply) what += " (last reply " + std::to_string(reply) + ")";
  }
  throw SendError(what, is_permanent_failure(rc, reply));
}

}  // namespace hd::mail
