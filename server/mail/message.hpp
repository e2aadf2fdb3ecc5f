#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/clock.hpp"

namespace hd::mail {

/// One outbound mail, ready for a Sender. All text is UTF-8; header values may hold any text
/// (a Sender encodes and sanitizes them), bodies use "\n" or "\r\n" line ends.
struct Mail {
  std::string from;         ///< "Name <address>" or a bare address; empty: the sender's default
  std::string to;           ///< the recipient's bare address
  std::string to_name;      ///< the recipient's display name; may be empty
  std::string subject;      ///< with the ticket tag already applied (see ticket_subject)
  std::string text;         ///< the text/plain part; always present
  std::string html;         ///< the text/html part; empty: a text-only mail
  std::string message_id;   ///< "<...@...>"; empty: the relay adds one
  std::string in_reply_to;  ///< "<...@...>" of the mail this one answers; may be empty
  std::vector<std::string> references;  ///< thread ancestors, oldest first
  /// Further headers such as Auto-Submitted, List-Unsubscribe or Reply-To; never one that the
  /// fields above make, nor Cc, Bcc or Content-*: a Sender refuses those.
  std::vector<std::pair<std::string, std::string>> extra_headers;
};

/// A mailbox of an address header, split into its parts.
struct Mailbox {
  std::string name;     ///< display name, unquoted; may be empty
  std::string address;  ///< local@domain
};

/// Parses "Name <local@domain>", "\"Quoted, Name\" <local@domain>" or "local@domain".
/// Returns nullopt when there is no plausible address (no '@', whitespace, control characters
/// or angle brackets in it): such a value must never reach an SMTP command or a header.
std::optional<Mailbox> parse_mailbox(std::string_view text);

/// True for a plausible bare address: one '@' with text on both sides, no whitespace, no
/// control characters, none of <>()[],;:" and no backslash.
bool is_valid_address(std::string_view address);

/// True for a msg-id as RFC 5322 writes it, loosely: "<left@right>" in printable ASCII without
/// space. What fails is never written into a header.
bool is_valid_message_id(std::string_view id);

/// The part after the last '@' of the address in `from` ("Helpdesk <help@example.com>" ->
/// "example.com"); "localhost" when `from` holds no address.
std::string address_domain(std::string_view from);

/// The Message-ID of one mail of a ticket: "<ticket-{ticket_id}-{mail_id}@{domain}>".
/// `mail_id` is any number unique within the ticket (the outbox row's id).
std::string ticket_message_id(std::int64_t ticket_id, std::int64_t mail_id,
                              std::string_view domain);

/// The thread root of a ticket, "<ticket-{ticket_id}@{domain}>": the common ancestor that
/// every mail of the ticket names first in References. No mail carries it as its own
/// Message-ID, so it stays the same however the ticket began (mail, web, an agent); mail
/// clients thread on the shared reference.
std::string ticket_thread_root(std::int64_t ticket_id, std::string_view domain);

/// Makes `mail` part of the ticket's thread: Message-ID from ticket_message_id, References
/// the thread root followed by the customer's mail, In-Reply-To the customer's mail when
/// known, else the root. `customer_message_id` is the Message-ID of the customer's mail this
/// one answers, as received ("<...>"), or empty (a web ticket, or a mail without one); one that
/// fails is_valid_message_id is left out rather than echoed.
void thread_into_ticket(Mail& mail, std::int64_t ticket_id, std::int64_t mail_id,
                        std::string_view domain, std::string_view customer_message_id = {});

/// The tag that puts the ticket number into a subject: "[#123]".
std::string ticket_tag(std::int64_t ticket_id);

/// "[#123] subject": the tag in front of the subject, unless the subject already carries it
/// ("Re: [#123] Printer" stays as it is). Line breaks and control characters become spaces
/// and surrounding space is trimmed, so a subject taken from a customer's mail can't inject
/// a header.
std::string ticket_subject(std::int64_t ticket_id, std::string_view subject);

/// Replaces CR, LF and other control characters (except tab) with spaces and trims the result:
/// what every header value goes through before it is written.
std::string sanitize_header_value(std::string_view value);

/// The value of an unstructured header (Subject, a display name) as RFC 2047 allows it: the
/// sanitized text itself when it is printable ASCII of at most 900 characters, else a run of
/// "=?UTF-8?B?...?=" words of at most 75 characters, split only between UTF-8 characters and folded
/// with "\r\n ".
std::string encode_header_text(std::string_view text);

/// A mailbox as it is written in From or To: `address` alone, `"Name" <address>` for an ASCII
/// name, or `=?UTF-8?B?...?= <address>` for any other. REQUIRES: is_valid_address(address).
std::string format_mailbox(std::string_view name, std::string_view address);

/// The RFC 5322 date-time of an instant, in UTC: "Mon, 23 Nov 2026 16:47:05 +0000".
std::string rfc5322_date(domain::Millis at);

}  // namespace hd::mail
