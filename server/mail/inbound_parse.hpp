#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mail/message.hpp"

namespace hd::mail {

/// A file carried by an inbound mail. Its bytes stay in the raw message, which is kept.
struct InboundAttachment {
  std::string filename;      ///< decoded, UTF-8; may be empty
  std::string content_type;  ///< "type/subtype"
  std::size_t size = 0;      ///< decoded bytes
};

/// What an inbound mail says, as far as the help desk needs it; knows nothing of tickets.
/// All text is UTF-8, whatever the mail's charsets and RFC 2047 words were.
struct ParsedMail {
  std::string message_id;               ///< "<...>", or empty when missing or malformed
  std::string in_reply_to;              ///< "<...>" or empty
  std::vector<std::string> references;  ///< "<...>" each, oldest first
  Mailbox from;                         ///< address empty: no usable sender
  std::vector<Mailbox> to, cc, reply_to;
  std::string subject;       ///< decoded
  std::string text;          ///< the whole readable text (from text/plain, else from HTML)
  std::string display_text;  ///< `text` without quoted history and signature
  bool html_only = false;    ///< the text was made from an HTML part
  std::vector<InboundAttachment> attachments;

  /// Sent by a machine on its own (RFC 3834 Auto-Submitted, X-Autoreply, Precedence, an
  /// out-of-office subject): never answered automatically, never opens a ticket.
  bool auto_reply = false;
  std::string auto_reply_reason;  ///< which sign gave it away

  /// A delivery status notification (RFC 3464) reporting that delivery failed for good.
  bool bounce = false;
  std::vector<std::string> bounced_recipients;  ///< the failed addresses (Final-Recipient)
  std::string bounce_status;                    ///< e.g. "5.1.1 (user unknown)"
  std::string original_message_id;              ///< the bounced mail's Message-ID, if included
};

/// Thrown when a message has no structure a help desk can use.
struct UnparseableMail : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses a raw RFC 5322 message with GMime. Thread-safe (GMime is initialised once).
/// Throws UnparseableMail when GMime finds no message at all.
ParsedMail parse_mail(std::string_view raw);

/// The subject without leading reply markers in the usual languages ("Re:", "RE[2]:", "AW:",
/// "SV:", "VS:", "Antw:", "Réf:"), nor "[#123]" ticket tags, trimmed.
std::string strip_reply_prefixes(std::string_view subject);

/// The ticket number of the first "[#123]" tag in a subject, if any.
std::optional<std::int64_t> subject_ticket_id(std::string_view subject);

/// The ticket a Message-ID of ours names: "<ticket-12@domain>" (a thread root) or
/// "<ticket-12-7@domain>" (one of the ticket's mails), for `domain` only.
std::optional<std::int64_t> ticket_in_message_id(std::string_view message_id,
                                                 std::string_view domain);

}  // namespace hd::mail
