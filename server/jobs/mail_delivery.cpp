#include "jobs/mail_delivery.hpp"

#include "jobs/runner.hpp"

namespace hd::jobs {

mail::Mail compose(const std::string& from, const std::string& to, const std::string& to_name,
                   mail::RenderedMail body, std::optional<std::int64_t> ticket_id,
                   std::int64_t number, const std::string& domain) {
  mail::Mail m;
  m.from = from;
  m.to = to;
  m.to_name = to_name;
  m.subject = std::move(body.subject);
  m.text = std::move(body.text);
  m.html = std::move(body.html);
  m.extra_headers = std::move(body.headers);
  if (ticket_id) mail::thread_into_ticket(m, *ticket_id, number, domain);
  return m;
}

void deliver(mail::Sender& sender, const mail::Mail& mail) {
  try {
    sender.send(mail);
  } catch (const mail::SendError& e) {
    if (e.permanent) throw PermanentFailure(e.what());
    throw;
  }
}

}  // namespace hd::jobs
