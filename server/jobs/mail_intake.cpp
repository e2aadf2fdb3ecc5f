#include "jobs/mail_intake.hpp"

#include <algorithm>
#include <array>

#include "domain/refusal.hpp"
#include "mail/header_scan.hpp"
#include "mail/inbound_parse.hpp"
#include "store/inbound_mail.hpp"
#include "store/people.hpp"
#include "store/portal.hpp"

namespace hd::jobs {
namespace {

using domain::errc;
using domain::Millis;
using domain::Refusal;
using store::Id;

// Ticket text beyond this is cut (the raw mail keeps all of it).
constexpr std::size_t kMaxBodyBytes = 200'000;
constexpr std::size_t kMaxSubjectBytes = 200;
constexpr int kMaxAttempts = 3;

// Attachments that run code when opened: such a mail waits for an admin.
constexpr std::array kRunnableExtensions{".exe", ".scr", ".bat", ".cmd", ".com", ".pif",
                                         ".vbs", ".js",  ".jse", ".wsf", ".msi", ".ps1",
                                         ".jar", ".hta", ".cpl", ".lnk", ".reg", ".vbe"};

// Cuts UTF-8 text at a character boundary.
std::string cut_utf8(std::string text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  text.resize(end);
  return text;
}

IntakeResult result_of(const store::InboundMailRecord& m, std::string outcome) {
  return {m.id, std::move(outcome), m.ticket_id, m.message_row_id, std::nullopt, m.reason};
}

const MailboxRoute& route_for(const IntakeSettings& s, const std::string& mailbox) {
  const auto found = s.mailboxes.find(mailbox);
  return found == s.mailboxes.end() ? s.default_route : found->second;
}

// Why a mail should wait for an admin rather than be filed; empty when it may be filed.
std::string suspicion(const IntakeSettings& s, const mail::ParsedMail& m) {
  if (m.from.address.empty()) return "no usable sender address (From)";
  if (!s.own_address.empty() && m.from.address == s.own_address)
    return "sent from our own address " + s.own_address + " (a mail loop?)";
  for (const auto& a : m.attachments) {
    std::string name = a.filename;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* ext : kRunnableExtensions) {
      const std::string_view e(ext);
      if (name.size() > e.size() && name.compare(name.size() - e.size(), e.size(), e) == 0)
        return "attachment '" + a.filename + "' is a program";
    }
  }
  return {};
}

std::optional<Id> existing_ticket(store::Connection& db, std::optional<std::int64_t> id) {
  if (!id) return std::nullopt;
  return store::find_ticket(db, *id) ? id : std::nullopt;
}

// In-Reply-To and References (newest first) against the Message-IDs we sent and received and
// our own thread roots, then the subject's [#id].
std::optional<Id> find_thread(store::Connection& db, const mail::ParsedMail& m,
                              const std::string& domain) {
  std::vector<std::string> ids;
  if (!m.in_reply_to.empty()) ids.push_back(m.in_reply_to);
  ids.insert(ids.end(), m.references.rbegin(), m.references.rend());
  if (!m.original_message_id.empty()) ids.push_back(m.original_message_id);
  if (auto found = store::ticket_for_message_ids(db, ids)) return found;
  for (const auto& id : ids)
    if (auto found = existing_ticket(db, mail::ticket_in_message_id(id, domain))) return found;
  return existing_ticket(db, mail::subject_ticket_id(m.subject));
}

std::string body_of(const mail::ParsedMail& m, bool reply) {
  std::string body = reply ? m.display_text : m.text;
  while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
  const bool blank =
      std::all_of(body.begin(), body.end(), [](unsigned char c) { return std::isspace(c) != 0; });
  if (blank)
    body = m.attachments.empty() ? "(This mail has no text.)"
                                 : "(This mail has no text; its attachments are kept with it.)";
  if (body.size() > kMaxBodyBytes)
    body = cut_utf8(std::move(body), kMaxBodyBytes) +
           "\n\n[The text was cut here; the whole mail is kept.]";
  return body;
}

std::string ticket_subject(const mail::ParsedMail& m) {
  std::string subject = cut_utf8(mail::strip_reply_prefixes(m.subject), kMaxSubjectBytes);
  return subject.empty() ? "(no subject)" : subject;
}

// Files one parsed mail in the writer's transaction. `release`: an admin let it through.
IntakeResult file_mail(store::Tx& tx, const store::InboundMailRecord& row,
                       const mail::ParsedMail& m, const IntakeSettings& settings, bool release,
                       Millis now) {
  auto& db = tx.connection();
  store::MailOutcome out{"", "", m.from.address, cut_utf8(m.subject, 998), {}, {}};
  IntakeResult result{row.id, "", {}, {}, {}, ""};
  const auto thread = find_thread(db, m, settings.domain);
  if (m.bounce) {
    std::string addresses;
    for (const auto& address : m.bounced_recipients) {
      store::mark_bouncing(tx, address, m.bounce_status, now);
      addresses += (addresses.empty() ? "" : ", ") + address;
    }
    out.state = "bounce";
    out.reason = "delivery to " + addresses + " failed: " + m.bounce_status;
    out.ticket_id = thread;
  } else if (m.auto_reply && !release) {
    out.state = "auto_reply";
    out.reason = "automatic mail (" + m.auto_reply_reason + "): not filed";
    out.ticket_id = thread;
  } else if (auto why = suspicion(settings, m); !why.empty() && !release) {
    out.state = "quarantined";
    out.reason = std::move(why);
  } else {
    if (m.from.address.empty())
      throw Refusal(errc::invalid_argument, "The mail has no usable sender address.", "from");
    const store::Actor customer{domain::ActorKind::customer, std::nullopt, domain::Role::agent};
    std::optional<Id> ticket = thread;
    if (ticket && !store::may_write_to_ticket(db, *ticket, m.from.address)) {
      out.reason = m.from.address + " is not on the thread of ticket " + std::to_string(*ticket) +
                   ": filed as a new ticket";
      ticket.reset();
    }
    store::TicketRecord filed;
    if (ticket) {
      // A customer's reply, exactly as a portal reply: reopens resolved/follow-up tickets, and
      // on a closed ticket starts a new one linked to it.
      store::NewMessage message{domain::ActorKind::customer, false, body_of(m, true), std::nullopt};
      auto [record, t] = store::add_message(tx, *ticket, message, customer, now, settings.policy);
      out.message_row_id = record.id;
      filed = std::move(t);
      out.state = filed.id == *ticket ? "reply" : "ticket";
      if (filed.id != *ticket) result.linked_ticket_id = *ticket;
    } else {
      // The sender is the customer: created if new, never renamed if known.
      const bool known = store::find_customer_by_email(db, m.from.address).has_value();
      const auto& route = route_for(settings, row.mailbox);
      store::NewTicket t;
      t.subject = ticket_subject(m);
      t.body = body_of(m, false);
      t.customer = {m.from.address, known ? "" : cut_utf8(m.from.name, 200), ""};
      t.priority = route.priority;
      t.channel = domain::Channel::email;
      t.team_id = route.team_id;
      filed = store::create_ticket(tx, t, customer, now, settings.policy);
      out.message_row_id = store::list_messages(db, filed.id).front().id;
      out.state = "ticket";
    }
    out.ticket_id = filed.id;
    std::vector<store::TicketAddress> addresses;
    if (m.from.address != filed.customer.email)
      addresses.push_back({m.from.address, m.from.name, "from", now});
    for (const auto& cc : m.cc)
      if (cc.address != filed.customer.email && cc.address != settings.own_address)
        addresses.push_back({cc.address, cc.name, "cc", now});
    store::add_ticket_addresses(tx, filed.id, addresses);
    // A mail from the address proves it works again.
    store::clear_bouncing(tx, m.from.address, now);
  }
  store::settle_inbound_mail(tx, row.id, out,
                             {release ? std::string("quarantined") : std::string("received")}, now);
  result.outcome = out.state;
  result.ticket_id = out.ticket_id;
  result.message_id = out.message_row_id;
  result.reason = out.reason;
  return result;
}

IntakeResult quarantine(store::Tx& tx, const store::InboundMailRecord& row, std::string reason,
                        Millis now) {
  store::MailOutcome out{"quarantined", std::move(reason), row.sender, row.subject, {}, {}};
  store::settle_inbound_mail(tx, row.id, out, {"received"}, now);
  return {row.id, "quarantined", {}, {}, {}, out.reason};
}

// Quarantines a mail that is still unfiled; one that another process filed meanwhile (a
// `mail-in` beside a restarting server) is reported as it stands.
IntakeResult quarantine_unless_filed(store::Tx& tx, const store::InboundMailRecord& row,
                                     std::string reason, Millis now) {
  const auto current = store::find_inbound_mail(tx.connection(), row.id);
  if (current && current->state != "received") return result_of(*current, current->state);
  return quarantine(tx, row, std::move(reason), now);
}

// The first durable step: the raw mail, before anything reads its content.
store::StoredMail store_step(store::Tx& tx, const std::string& raw, const std::string& source,
                             const std::string& mailbox, Millis now) {
  return store::store_raw_mail(tx, mail::dedup_key(raw), mail::scan_message_id(raw), source,
                               mailbox, raw, now);
}

// Parses a stored mail; nullopt with `error` set when it can't be read.
std::optional<mail::ParsedMail> parse(const std::string& raw, std::string& error) {
  try {
    return mail::parse_mail(raw);
  } catch (const mail::UnparseableMail& e) {
    error = std::string("unparseable: ") + e.what();
  } catch (const std::exception& e) {
    error = std::string("unparseable: ") + e.what();
  }
  return std::nullopt;
}

std::string oversize_reason(std::size_t size, std::size_t max) {
  return "oversized: " + std::to_string(size) + " bytes, the limit is " + std::to_string(max);
}

}  // namespace

MailIntake::MailIntake(store::Database& db, const domain::Clock& clock, IntakeSettings settings)
    : db_(db), clock_(clock), settings_(std::move(settings)) {}

boost::asio::awaitable<IntakeResult> MailIntake::accept(std::shared_ptr<const std::string> raw,
                                                        std::string source, std::string mailbox) {
  auto store_work = [this, raw, source, mailbox](store::Tx& tx) {
    return store_step(tx, *raw, source, mailbox, clock_.now_ms());
  };
  const store::StoredMail stored = co_await db_.write(std::move(store_work));
  const auto& row = stored.mail;
  if (stored.duplicate) co_return result_of(row, "duplicate");
  std::string error;
  std::optional<mail::ParsedMail> parsed;
  if (raw->size() > settings_.max_message_bytes)
    error = oversize_reason(raw->size(), settings_.max_message_bytes);
  else
    parsed = parse(*raw, error);
  auto file_work = [this, row, parsed = std::move(parsed), error](store::Tx& tx) {
    if (!parsed) return quarantine_unless_filed(tx, row, error, clock_.now_ms());
    return file_mail(tx, row, *parsed, settings_, false, clock_.now_ms());
  };
  try {
    co_return co_await db_.write(std::move(file_work));
  } catch (const Refusal& refusal) {
    error = std::string("could not be filed: ") + refusal.what();
  }
  auto held = [this, row, error](store::Tx& tx) {
    return quarantine_unless_filed(tx, row, error, clock_.now_ms());
  };
  co_return co_await db_.write(std::move(held));
}

IntakeResult MailIntake::accept_blocking(const std::string& raw, const std::string& source,
                                         const std::string& mailbox,
                                         const std::function<void(store::Tx&)>& also) {
  const store::StoredMail stored = db_.write_blocking(
      [&](store::Tx& tx) { return store_step(tx, raw, source, mailbox, clock_.now_ms()); });
  const auto& row = stored.mail;
  if (stored.duplicate) {
    if (also)
      db_.write_blocking([&](store::Tx& tx) {
        also(tx);
        return 0;
      });
    return result_of(row, "duplicate");
  }
  std::string error;
  std::optional<mail::ParsedMail> parsed;
  if (raw.size() > settings_.max_message_bytes)
    error = oversize_reason(raw.size(), settings_.max_message_bytes);
  else
    parsed = parse(raw, error);
  auto file = [&](bool quarantined_only) {
    return db_.write_blocking([&](store::Tx& tx) {
      auto result = !parsed || quarantined_only
                        ? quarantine_unless_filed(tx, row, error, clock_.now_ms())
                        : file_mail(tx, row, *parsed, settings_, false, clock_.now_ms());
      if (also) also(tx);
      return result;
    });
  };
  try {
    return file(false);
  } catch (const Refusal& refusal) {
    error = std::string("could not be filed: ") + refusal.what();
  }
  return file(true);
}

std::size_t MailIntake::recover_blocking() {
  std::size_t filed = 0;
  for (store::Id after = 0;;) {
    const auto rows = db_.read_blocking([after](store::Connection& db) {
      return store::list_inbound_mails(db, "received", after, 100);
    });
    if (rows.empty()) return filed;
    for (const auto& row : rows) {
      after = row.id;
      const int attempts =
          db_.write_blocking([&](store::Tx& tx) { return store::count_attempt(tx, row.id); });
      const std::string raw = db_.read_blocking(
          [id = row.id](store::Connection& db) { return store::load_raw_mail(db, id); });
      std::string error;
      std::optional<mail::ParsedMail> parsed;
      if (attempts + 1 >= kMaxAttempts)
        error = "processing did not finish after " + std::to_string(attempts + 1) + " attempts";
      else if (raw.size() > settings_.max_message_bytes)
        error = oversize_reason(raw.size(), settings_.max_message_bytes);
      else
        parsed = parse(raw, error);
      try {
        db_.write_blocking([&](store::Tx& tx) {
          return parsed ? file_mail(tx, row, *parsed, settings_, false, clock_.now_ms())
                        : quarantine_unless_filed(tx, row, error, clock_.now_ms());
        });
      } catch (const Refusal& refusal) {
        db_.write_blocking([&](store::Tx& tx) {
          return quarantine_unless_filed(
              tx, row, std::string("could not be filed: ") + refusal.what(), clock_.now_ms());
        });
      }
      ++filed;
    }
  }
}

boost::asio::awaitable<IntakeResult> MailIntake::release(store::Id mail_id) {
  auto load = [mail_id](store::Connection& db) {
    std::pair<std::optional<store::InboundMailRecord>, std::string> found;
    found.first = store::find_inbound_mail(db, mail_id);
    if (found.first) found.second = store::load_raw_mail(db, mail_id);
    return found;
  };
  const auto [row, raw] = co_await db_.read(std::move(load));
  if (!row) throw Refusal(errc::not_found, "Mail " + std::to_string(mail_id) + " does not exist.");
  if (row->state != "quarantined")
    throw Refusal(errc::conflict, "Mail " + std::to_string(mail_id) +
                                      " is not in quarantine (it is '" + row->state + "').");
  std::string error;
  const auto parsed = parse(raw, error);
  if (!parsed)
    throw Refusal(errc::invalid_argument,
                  "The mail can't be read (" + error + "); it can only be dropped.", "id");
  auto work = [this, row = *row, parsed = *parsed](store::Tx& tx) {
    return file_mail(tx, row, parsed, settings_, true, clock_.now_ms());
  };
  co_return co_await db_.write(std::move(work));
}

boost::asio::awaitable<IntakeResult> MailIntake::drop(store::Id mail_id) {
  auto work = [this, mail_id](store::Tx& tx) {
    const auto row = store::find_inbound_mail(tx.connection(), mail_id);
    if (!row)
      throw Refusal(errc::not_found, "Mail " + std::to_string(mail_id) + " does not exist.");
    if (row->state != "quarantined")
      throw Refusal(errc::conflict, "Mail " + std::to_string(mail_id) +
                                        " is not in quarantine (it is '" + row->state + "').");
    store::MailOutcome out{"dropped", row->reason, row->sender, row->subject, {}, {}};
    store::settle_inbound_mail(tx, mail_id, out, {"quarantined"}, clock_.now_ms());
    return IntakeResult{mail_id, "dropped", {}, {}, {}, row->reason};
  };
  co_return co_await db_.write(std::move(work));
}

}  // namespace hd::jobs
