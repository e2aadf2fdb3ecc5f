#include "mail/inbound_parse.hpp"

#include <gmime/gmime.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstring>
#include <memory>
#include <mutex>

#include "mail/readable_text.hpp"

namespace hd::mail {
namespace {

// GObject references and GLib strings released at scope end.
struct Unref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <class T>
using Ref = std::unique_ptr<T, Unref>;
struct GFree {
  void operator()(gpointer p) const { g_free(p); }
};
using GString_ = std::unique_ptr<char, GFree>;

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Text as it may be read anywhere: invalid bytes become U+FFFD.
std::string valid_utf8(std::string text) {
  if (g_utf8_validate(text.data(), static_cast<gssize>(text.size()), nullptr)) return text;
  GString_ valid(g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  return valid.get();
}

// Header text as shown: decoded by GMime, where raw 8-bit bytes in no known charset can survive.
std::string header_text(const char* value) {
  return valid_utf8(sanitize_header_value(value ? value : ""));
}

std::string header(GMimeObject* object, const char* name) {
  const char* value = g_mime_object_get_header(object, name);
  return value ? valid_utf8(std::string(trim(value))) : std::string();
}

// "<id>" from GMime's bare form, or empty when it would not be a valid msg-id.
std::string bracketed(const char* bare) {
  if (!bare || !*bare) return {};
  std::string id = std::string("<") + bare + ">";
  return is_valid_message_id(id) ? id : std::string();
}

std::vector<std::string> message_ids(const std::string& text) {
  std::vector<std::string> ids;
  if (text.empty()) return ids;
  GMimeReferences* refs = g_mime_references_parse(nullptr, text.c_str());
  if (!refs) return ids;
  for (int i = 0; i < g_mime_references_length(refs); ++i)
    if (auto id = bracketed(g_mime_references_get_message_id(refs, i)); !id.empty())
      ids.push_back(std::move(id));
  g_mime_references_free(refs);
  return ids;
}

void add_mailboxes(InternetAddressList* list, std::vector<Mailbox>& out, int depth = 0) {
  if (!list || depth > 2) return;
  for (int i = 0; i < internet_address_list_length(list); ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      add_mailboxes(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)), out,
                    depth + 1);
    } else if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(address));
      const char* name = internet_address_get_name(address);
      if (addr && is_valid_address(addr))
        out.push_back({header_text(name), valid_utf8(lower(addr))});
    }
  }
}

// The decoded bytes of a leaf part (transfer encoding undone, no charset conversion).
std::string part_bytes(GMimePart* part) {
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (!content) return {};
  Ref<GMimeStream> stream(g_mime_stream_mem_new());
  g_mime_data_wrapper_write_to_stream(content, stream.get());
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  return std::string(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

// The text of a text part in UTF-8 (GMime converts from its charset, guessing when unlabelled;
// a guess can still leave invalid bytes).
std::string part_text(GMimePart* part) {
  std::string text;
  if (GMIME_IS_TEXT_PART(part)) {
    GString_ converted(g_mime_text_part_get_text(GMIME_TEXT_PART(part)));
    if (converted) text = converted.get();
  }
  if (text.empty()) text = part_bytes(part);
  return valid_utf8(std::move(text));
}

struct Walk {
  ParsedMail& mail;
  std::string plain, html, delivery_status, returned_headers;
};

void visit(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto& walk = *static_cast<Walk*>(data);
  GMimeContentType* type = g_mime_object_get_content_type(part);
  GString_ mime(type ? g_mime_content_type_get_mime_type(type) : nullptr);
  const std::string mime_type = mime ? lower(mime.get()) : "text/plain";
  if (GMIME_IS_MULTIPART(part)) return;
  if (GMIME_IS_MESSAGE_PART(part)) {
    GMimeMessage* inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(part));
    if (mime_type == "message/delivery-status" && inner) {
      GString_ text(g_mime_object_to_string(GMIME_OBJECT(inner), nullptr));
      if (text) walk.delivery_status = valid_utf8(text.get());
      return;
    }
    if (inner && walk.returned_headers.empty()) {
      if (auto id = bracketed(g_mime_message_get_message_id(inner)); !id.empty())
        walk.returned_headers = "Message-ID: " + id + "\n";
    }
    GString_ text(inner ? g_mime_object_to_string(GMIME_OBJECT(inner), nullptr) : nullptr);
    walk.mail.attachments.push_back({"", mime_type, text ? std::strlen(text.get()) : 0});
    return;
  }
  if (!GMIME_IS_PART(part)) return;
  auto* leaf = GMIME_PART(part);
  if (mime_type == "message/delivery-status" || mime_type == "message/global-delivery-status") {
    walk.delivery_status = valid_utf8(part_bytes(leaf));
    return;
  }
  if (mime_type == "text/rfc822-headers" || mime_type == "message/rfc822-headers") {
    walk.returned_headers = part_bytes(leaf);
    return;
  }
  const bool attachment = g_mime_part_is_attachment(leaf);
  if (!attachment && mime_type == "text/plain" && walk.plain.empty()) {
    walk.plain = part_text(leaf);
    return;
  }
  if (!attachment && mime_type == "text/html" && walk.html.empty()) {
    walk.html = part_text(leaf);
    return;
  }
  const char* filename = g_mime_part_get_filename(leaf);
  walk.mail.attachments.push_back(
      {header_text(filename), valid_utf8(mime_type), part_bytes(leaf).size()});
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
  return lower(haystack).find(lower(needle)) != std::string::npos;
}

// RFC 3834 and the headers mail systems put on their automatic answers.
void detect_auto_reply(GMimeObject* message, ParsedMail& mail) {
  auto flag = [&](std::string reason) {
    if (!mail.auto_reply) mail.auto_reply_reason = std::move(reason);
    mail.auto_reply = true;
  };
  const auto auto_submitted = lower(header(message, "Auto-Submitted"));
  if (!auto_submitted.empty() && auto_submitted.rfind("no", 0) != 0)
    flag("Auto-Submitted: " + auto_submitted);
  if (!header(message, "X-Autoreply").empty() || !header(message, "X-Autorespond").empty() ||
      !header(message, "X-Autoresponder").empty())
    flag("X-Autoreply");
  const auto precedence = lower(header(message, "Precedence"));
  if (precedence == "bulk" || precedence == "auto_reply" || precedence == "junk" ||
      precedence == "list")
    flag("Precedence: " + precedence);
  if (lower(header(message, "X-Auto-Response-Suppress")).find("oof") != std::string::npos &&
      contains_ci(mail.subject, "automatic"))
    flag("out-of-office");
  if (!header(message, "List-Id").empty() || !header(message, "List-Unsubscribe").empty())
    flag("mailing list");
  static constexpr std::array kOutOfOffice{"out of office",
                                           "out-of-office",
                                           "automatic reply",
                                           "auto reply",
                                           "autoreply",
                                           "auto-reply",
                                           "abwesenheitsnotiz",
                                           "automatische antwort",
                                           "frånvaromeddelande",
                                           "automatiskt svar",
                                           "réponse automatique",
                                           "absence du bureau",
                                           "auto:"};
  const auto subject = lower(mail.subject);
  for (const char* sign : kOutOfOffice)
    if (subject.rfind(sign, 0) == 0 || subject.find(std::string(": ") + sign) != std::string::npos)
      return flag("out-of-office subject");
}

// Field "name: value" lines of a delivery-status body (RFC 3464), per recipient block.
void read_delivery_status(std::string_view text, ParsedMail& mail) {
  std::string recipient, action, status, diagnostic;
  auto finish_block = [&] {
    if (!recipient.empty() && action == "failed" && is_valid_address(recipient)) {
      mail.bounced_recipients.push_back(lower(recipient));
      if (mail.bounce_status.empty())
        mail.bounce_status = status + (diagnostic.empty() ? "" : " (" + diagnostic + ")");
    }
    recipient.clear();
    action.clear();
    status.clear();
    diagnostic.clear();
  };
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) {
      finish_block();
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto name = lower(trim(line.substr(0, colon)));
    auto value = std::string(trim(line.substr(colon + 1)));
    if (name == "final-recipient" || (name == "original-recipient" && recipient.empty())) {
      // "rfc822; someone@example.com"
      const auto semi = value.find(';');
      recipient = std::string(trim(semi == std::string::npos ? value : value.substr(semi + 1)));
      if (!recipient.empty() && recipient.front() == '<' && recipient.back() == '>')
        recipient = recipient.substr(1, recipient.size() - 2);
    } else if (name == "action") {
      action = lower(value);
    } else if (name == "status") {
      status = value;
    } else if (name == "diagnostic-code") {
      const auto semi = value.find(';');
      diagnostic = std::string(trim(semi == std::string::npos ? value : value.substr(semi + 1)));
      if (diagnostic.size() > 200) diagnostic.resize(200);
    }
  }
  finish_block();
}

// The Message-ID in the returned headers of a bounced mail, if any.
std::string returned_message_id(const std::string& headers) {
  const auto at = lower(headers).find("message-id:");
  if (at == std::string::npos) return {};
  const auto start = at + std::string_view("message-id:").size();
  auto ids = message_ids(headers.substr(start, headers.find('\n', start) - start));
  return ids.empty() ? std::string() : ids.front();
}

}  // namespace

ParsedMail parse_mail(std::string_view raw) {
  init_gmime();
  Ref<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  Ref<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  Ref<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) throw UnparseableMail("no RFC 5322 message could be read");
  auto* object = GMIME_OBJECT(message.get());

  ParsedMail mail;
  mail.message_id = bracketed(g_mime_message_get_message_id(message.get()));
  if (auto ids = message_ids(header(object, "In-Reply-To")); !ids.empty())
    mail.in_reply_to = ids.back();
  mail.references = message_ids(header(object, "References"));
  std::vector<Mailbox> from;
  add_mailboxes(g_mime_message_get_from(message.get()), from);
  if (from.empty()) add_mailboxes(g_mime_message_get_sender(message.get()), from);
  if (!from.empty()) mail.from = from.front();
  add_mailboxes(g_mime_message_get_to(message.get()), mail.to);
  add_mailboxes(g_mime_message_get_cc(message.get()), mail.cc);
  add_mailboxes(g_mime_message_get_reply_to(message.get()), mail.reply_to);
  const char* subject = g_mime_message_get_subject(message.get());
  mail.subject = header_text(subject);

  Walk walk{mail, {}, {}, {}, {}};
  g_mime_message_foreach(message.get(), visit, &walk);
  if (!walk.plain.empty() || walk.html.empty()) {
    mail.text = std::move(walk.plain);
  } else {
    mail.text = html_to_text(walk.html);
    mail.html_only = true;
  }
  // Line ends as "\n" whatever the mail used.
  mail.text.erase(std::remove(mail.text.begin(), mail.text.end(), '\r'), mail.text.end());
  mail.display_text = trim_quoted_reply(mail.text);

  detect_auto_reply(object, mail);
  if (!walk.delivery_status.empty()) {
    read_delivery_status(walk.delivery_status, mail);
    mail.bounce = !mail.bounced_recipients.empty();
    mail.original_message_id = returned_message_id(walk.returned_headers);
    // A report is never a human's message, even when it reports only a delay.
    mail.auto_reply = true;
    if (mail.auto_reply_reason.empty()) mail.auto_reply_reason = "delivery status notification";
  }
  return mail;
}

std::string strip_reply_prefixes(std::string_view subject) {
  static constexpr std::array kPrefixes{"re",  "aw",  "sv", "vs", "antw", "antwort", "ref", "réf",
                                        "rif", "odp", "vá", "r",  "fw",   "fwd",     "wg",  "tr"};
  std::string s(trim(subject));
  for (bool changed = true; changed;) {
    changed = false;
    // "[#123]" tags: whichever ticket they named, a new ticket gets its own.
    if (s.rfind("[#", 0) == 0) {
      const auto close = s.find(']');
      if (close != std::string::npos && close > 2 &&
          std::all_of(s.begin() + 2, s.begin() + static_cast<long>(close),
                      [](unsigned char c) { return std::isdigit(c); })) {
        s = std::string(trim(std::string_view(s).substr(close + 1)));
        changed = true;
        continue;
      }
    }
    const auto colon = s.find(':');
    if (colon == std::string::npos || colon > 12) break;
    std::string word = lower(trim(std::string_view(s).substr(0, colon)));
    // "RE[2]" and "Re^2" count as "re".
    if (auto bracket = word.find_first_of("[^("); bracket != std::string::npos)
      word.resize(bracket);
    if (std::find(kPrefixes.begin(), kPrefixes.end(), word) != kPrefixes.end()) {
      s = std::string(trim(std::string_view(s).substr(colon + 1)));
      changed = true;
    }
  }
  // A tag left further in ("Printer [#12] broken") goes too.
  for (auto open = s.find("[#"); open != std::string::npos; open = s.find("[#", open)) {
    const auto close = s.find(']', open);
    if (close == std::string::npos || close == open + 2 ||
        !std::all_of(s.begin() + static_cast<long>(open) + 2, s.begin() + static_cast<long>(close),
                     [](unsigned char c) { return std::isdigit(c); })) {
      open += 2;
      continue;
    }
    s.erase(open, close - open + 1);
  }
  std::string collapsed;
  for (char c : s)
    if (c != ' ' || (!collapsed.empty() && collapsed.back() != ' ')) collapsed += c;
  return std::string(trim(collapsed));
}

std::optional<std::int64_t> subject_ticket_id(std::string_view subject) {
  for (auto open = subject.find("[#"); open != std::string_view::npos;
       open = subject.find("[#", open + 2)) {
    const auto close = subject.find(']', open);
    if (close == std::string_view::npos) return std::nullopt;
    const auto digits = subject.substr(open + 2, close - open - 2);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec == std::errc{} && end == digits.data() + digits.size() && id > 0 && digits.size() < 19)
      return id;
  }
  return std::nullopt;
}

std::optional<std::int64_t> ticket_in_message_id(std::string_view message_id,
                                                 std::string_view domain) {
  constexpr std::string_view kPrefix = "<ticket-";
  if (message_id.rfind(kPrefix, 0) != 0 || message_id.back() != '>') return std::nullopt;
  const auto at = message_id.find('@');
  if (at == std::string_view::npos ||
      lower(message_id.substr(at + 1, message_id.size() - at - 2)) != lower(domain))
    return std::nullopt;
  const auto local = message_id.substr(kPrefix.size(), at - kPrefix.size());
  const auto digits = local.substr(0, local.find('-'));
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace hd::mail
