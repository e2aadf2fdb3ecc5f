// Fuzzes what reads an inbound mail before anyone has looked at it: the plain header scan that
// finds the Message-ID before the raw message is stored, and GMime's parse into what a ticket
// needs. A mail must end as a ParsedMail whose every text is valid UTF-8 (ParsedMail's promise,
// whatever the charsets and encoded words said), or as UnparseableMail; never in another
// exception, a crash, a leak or undefined behaviour.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "api/text_rules.hpp"
#include "mail/header_scan.hpp"
#include "mail/inbound_parse.hpp"

namespace {

void require(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "broken promise: %s\n", what);
  std::abort();
}

void check_text(std::string_view text, const char* what) {
  require(hd::api::is_valid_utf8(text), what);
}

void check_mailbox(const hd::mail::Mailbox& box) {
  check_text(box.name, "a mailbox's name is UTF-8");
  check_text(box.address, "a mailbox's address is UTF-8");
}

void check_msg_id(const std::string& id, const char* what) {
  require(id.empty() || (id.size() >= 3 && id.front() == '<' && id.back() == '>'), what);
}

void read_mail(std::string_view raw) {
  check_msg_id(hd::mail::scan_message_id(raw), "the scanned Message-ID is <...> or empty");
  require(!hd::mail::dedup_key(raw).empty(), "every mail has a duplicate key");
  hd::mail::ParsedMail mail;
  try {
    mail = hd::mail::parse_mail(raw);
  } catch (const hd::mail::UnparseableMail&) {
    return;  // kept raw, in quarantine: the promised way out
  }
  check_msg_id(mail.message_id, "the parsed Message-ID is <...> or empty");
  check_msg_id(mail.in_reply_to, "In-Reply-To is <...> or empty");
  for (const auto& id : mail.references) check_msg_id(id, "a reference is <...>");
  check_mailbox(mail.from);
  for (const auto* list : {&mail.to, &mail.cc, &mail.reply_to})
    for (const auto& box : *list) check_mailbox(box);
  check_text(mail.subject, "the subject is UTF-8");
  check_text(mail.text, "the readable text is UTF-8");
  check_text(mail.display_text, "the shown text is UTF-8");
  check_text(hd::mail::strip_reply_prefixes(mail.subject), "a stripped subject is UTF-8");
  (void)hd::mail::subject_ticket_id(mail.subject);
  for (const auto& a : mail.attachments) {
    check_text(a.filename, "an attachment's name is UTF-8");
    check_text(a.content_type, "an attachment's type is UTF-8");
  }
  for (const auto& r : mail.bounced_recipients) check_text(r, "a bounced address is UTF-8");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  read_mail(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
