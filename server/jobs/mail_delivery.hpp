#pragma once

#include <optional>
#include <string>

#include "mail/message.hpp"
#include "mail/sender.hpp"
#include "mail/templates.hpp"
#include "store/database.hpp"
#include "store/tickets.hpp"

namespace hd::jobs {

/// What the handlers of a family of mail-sending jobs share: the database, the clock, the
/// sender, the family's settings, the ticket policy and the domain of its Message-IDs.
template <class Settings>
struct MailJobContext {
  store::Database& db;
  const domain::Clock& clock;
  mail::Sender& sender;
  Settings settings;
  store::TicketPolicy policy;
  std::string domain;
};

/// A rendered mail addressed and, for a ticket, threaded into the ticket's conversation.
mail::Mail compose(const std::string& from, const std::string& to, const std::string& to_name,
                   mail::RenderedMail body, std::optional<std::int64_t> ticket_id,
                   std::int64_t number, const std::string& domain);

/// Hands `mail` to the sender; a refusal that retrying cannot fix becomes PermanentFailure.
void deliver(mail::Sender& sender, const mail::Mail& mail);

}  // namespace hd::jobs
