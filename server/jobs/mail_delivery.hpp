#pragma once

#include <optional>
#include <string>

#include "mail/message.hpp"
#include "mail/sender.hpp"
#include "mail/templates.hpp"

namespace hd::jobs {

/// A rendered mail addressed and, for a ticket, threaded into the ticket's conversation.
mail::Mail compose(const std::string& from, const std::string& to, const std::string& to_name,
                   mail::RenderedMail body, std::optional<std::int64_t> ticket_id,
                   std::int64_t number, const std::string& domain);

/// Hands `mail` to the sender; a refusal that retrying cannot fix becomes PermanentFailure.
void deliver(mail::Sender& sender, const mail::Mail& mail);

}  // namespace hd::jobs
