// The customer's side, as plain HTML pages: the public contact form, sign-in by a link sent by
// mail, and the portal where a customer follows and answers only their own requests.
#include <boost/json/serialize.hpp>

#include "api/auth.hpp"
#include "api/form_input.hpp"
#include "api/handler_support.hpp"
#include "api/page_layout.hpp"
#include "api/routes.hpp"
#include "api/text_rules.hpp"
#include "store/job_kinds.hpp"
#include "store/jobs_store.hpp"
#include "store/portal.hpp"
#include "store/tickets.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
using kainjow::mustache::data;
using kainjow::mustache::list;

constexpr const char* kCustomerCookie = "hd_customer";
constexpr domain::Millis kSessionLength = 30LL * 86'400'000;
constexpr int kFormsPerHour = 5;  // contact forms and link requests per address
constexpr domain::Millis kHour = 3'600'000;

constexpr const char* kHome = R"(<h1>Helpdesk</h1>
<p>How can we help?</p>
<ul class="tickets">
<li><a href="/support">Contact support</a><br><span class="meta">Tell us what you need; we answer by mail.</span></li>
<li><a href="/my">Your requests</a><br><span class="meta">Follow and answer the requests you sent us.</span></li>
</ul>
<p class="meta">Support team: <a href="/app/">sign in to the agents' workspace</a>. Integrations: the <a href="/api/v1/openapi.json">API description</a> (OpenAPI 3.1).</p>
)";

constexpr const char* kContactForm = R"(<h1>Contact support</h1>
<p>Tell us what you need; we answer by mail and you can follow your request online.</p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="/support">
<fieldset>
<legend>Your request</legend>
<p><label for="name">Your name</label><br><input type="text" id="name" name="name" maxlength="200" autocomplete="name" value="{{name}}"></p>
<p><label for="email">Your email (required)</label><br><input type="email" id="email" name="email" required maxlength="254" autocomplete="email" value="{{email}}"></p>
<p><label for="subject">Subject (required)</label><br><input type="text" id="subject" name="subject" required maxlength="250" value="{{subject}}"></p>
<p><label for="message">Message (required)</label><br><textarea id="message" name="message" required maxlength="100000">{{message}}</textarea></p>
<div class="visually-hidden" aria-hidden="true"><label for="website">Leave this empty</label><input type="text" id="website" name="website" tabindex="-1" autocomplete="off"></div>
</fieldset>
<button type="submit">Send</button>
</form>
)";

constexpr const char* kLinkForm = R"(<h1>Your requests</h1>
<p>Enter your email address and we send you a link that opens your requests.</p>
<form method="post" action="/my/link">
<p><label for="email">Your email</label><br><input type="email" id="email" name="email" required maxlength="254" autocomplete="email"></p>
<button type="submit">Send me a link</button>
</form>
<p><a href="/support">Contact support</a></p>
)";

constexpr const char* kTicketList = R"(<h1>Your requests</h1>
<p>Signed in as {{email}}.</p>
{{#has_tickets}}<ul class="tickets">
{{#tickets}}<li><a href="/my/tickets/{{id}}">#{{id}} {{subject}}</a><br><span class="meta">{{status}} · opened {{created}}</span></li>
{{/tickets}}</ul>{{/has_tickets}}
{{^has_tickets}}<p>You have no requests yet.</p>{{/has_tickets}}
<p><a href="/support">Contact support</a></p>
<form method="post" action="/my/sign-out"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Sign out</button></form>
)";

constexpr const char* kConversation = R"(<p><a href="/my">← All your requests</a></p>
<h1>#{{id}} {{subject}}</h1>
<p class="meta">Status: {{status}}</p>
{{#messages}}<div class="msg{{#agent}} agent{{/agent}}"><p class="meta">{{author}} · {{at}}</p>{{body}}</div>
{{/messages}}
<form method="post" action="/my/tickets/{{id}}/messages">
<input type="hidden" name="csrf" value="{{csrf}}">
<p><label for="body">Your reply</label><br><textarea id="body" name="body" required maxlength="100000"></textarea></p>
<button type="submit">Send reply</button>
</form>
)";

// Customer-facing names of the lifecycle states.
std::string status_text(domain::Status s) {
  switch (s) {
    case domain::Status::open:
      return "Open: we are working on it";
    case domain::Status::pending:
      return "Waiting for your reply";
    case domain::Status::resolved:
      return "Resolved";
    case domain::Status::follow_up:
      return "Resolved: tell us how we did";
    case domain::Status::closed:
      return "Closed";
  }
  return "";
}

http::Response page(const http::Context& ctx, bh::status status, const std::string& title,
                    const char* content, data values) {
  return html_response(ctx.request, status, render_page(title, content, std::move(values)));
}

http::Response redirect(const http::Context& ctx, const std::string& to) {
  http::Response res{bh::status::see_other, ctx.request.version()};
  res.set(bh::field::location, to);
  res.keep_alive(ctx.request.keep_alive());
  res.prepare_payload();
  return res;
}

// Counts one use of a public form under `key`; refuses beyond the hourly limit.
void limit_form(Services* s, const std::string& key, const char* message) {
  if (const auto wait = s->limiter.acquire(key, kFormsPerHour, kHour, s->clock.now_ms())) {
    http::Problem p(429, "too_many_requests", message);
    p.headers.emplace_back("Retry-After", std::to_string((wait + 999) / 1000));
    throw p;
  }
}

// Counts one use of a public form from the client's address.
void limit_forms(Services* s, const http::Context& ctx, const char* form) {
  limit_form(s, std::string(form) + ":" + ctx.remote_address,
             "Too many requests from your address. Please try again later.");
}

// Counts one use of a public form that mails `email`, from whatever address: one inbox can't be
// flooded by spreading the requests over many clients.
void limit_mails_to(Services* s, const char* form, const std::string& email) {
  limit_form(s, std::string(form) + "-to:" + normalize_email(email),
             "Too many requests for this email address. Please try again later.");
}

// The customer's CSRF token is derived from the session secret, so nothing more is stored.
std::string csrf_for(const std::string& session_token) {
  static constexpr const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char ch : hash_secret("csrf:" + session_token))
    (out += kHex[ch >> 4]) += kHex[ch & 15];
  return out;
}

struct Signed {
  store::CustomerSession session;
  std::string csrf;
};

// The signed-in customer, or nothing.
boost::asio::awaitable<std::optional<Signed>> signed_in(Services* s, const http::Context& ctx) {
  const auto cookie = cookie_value(ctx.request, kCustomerCookie);
  if (!cookie) co_return std::nullopt;
  auto find = [hash = hash_secret(*cookie), now = s->clock.now_ms()](store::Connection& db) {
    return store::find_customer_session(db, hash, now);
  };
  auto session = co_await s->db.read(std::move(find));
  if (!session) co_return std::nullopt;
  co_return Signed{std::move(*session), csrf_for(*cookie)};
}

void check_csrf(const Signed& who, const FormInput& form) {
  if (form.raw("csrf") != who.csrf)
    throw http::Problem(403, "csrf_missing",
                        "This form has expired. Reload the page and try again.");
}

boost::asio::awaitable<http::Response> home(Services*, http::Context ctx) {
  co_return page(ctx, bh::status::ok, "Helpdesk", kHome, data{});
}

boost::asio::awaitable<http::Response> contact_form(Services*, http::Context ctx) {
  co_return page(ctx, bh::status::ok, "Contact support", kContactForm, data{});
}

boost::asio::awaitable<http::Response> submit_contact(Services* s, http::Context ctx) {
  FormInput form(ctx.request.body());
  // Bots fill every field; people never see this one. Answer as if all went well.
  if (!form.raw("website").empty())
    co_return html_response(ctx.request, bh::status::ok,
                            message_html("Thank you", "We have received your request."));
  limit_forms(s, ctx, "support");
  store::NewTicket t;
  t.customer.email =
      trim_space(form.required_text("email", 254, "Please enter a valid email address."));
  if (form.ok() && !looks_like_email(t.customer.email))
    form.fail("email", "Please enter a valid email address.");
  t.customer.name = form.text("name", 0, 200).value_or("");
  t.subject = form.required_text("subject", 250, "Please enter a subject (up to 250 characters).");
  t.body = form.required_text("message", 100'000,
                              "Please describe what you need (up to 100,000 characters).");
  t.channel = domain::Channel::web;
  if (!form.ok()) {
    data values;
    values.set("error", form.first_message());
    for (const char* f : {"name", "email", "subject", "message"}) values.set(f, form.raw(f));
    co_return page(ctx, bh::status::unprocessable_entity, "Contact support", kContactForm, values);
  }
  limit_mails_to(s, "support", t.customer.email);
  const store::Actor customer{domain::ActorKind::customer, std::nullopt, domain::Role::agent};
  auto create = [t, customer, now = s->clock.now_ms(), policy = s->policy](store::Tx& tx) mutable {
    // Anybody can type anybody's address here: the name of a customer we know stays as it is
    // (an empty name leaves it unchanged); only a new customer is named by the form.
    if (store::find_customer_by_email(tx.connection(), t.customer.email)) t.customer.name.clear();
    return store::create_ticket(tx, t, customer, now, policy);
  };
  const auto ticket = co_await write(s, std::move(create));
  co_return html_response(ctx.request, bh::status::created,
                          message_html("Thank you – request #" + std::to_string(ticket.id),
                                       "We have received your request and sent a confirmation to " +
                                           ticket.customer.email + " with a link to follow it."));
}

boost::asio::awaitable<http::Response> portal_home(Services* s, http::Context ctx) {
  const auto who = co_await signed_in(s, ctx);
  if (!who) co_return page(ctx, bh::status::ok, "Your requests", kLinkForm, data{});
  store::TicketQuery q;
  q.customer_id = who->session.customer.id;
  q.limit = 200;
  auto load = [q](store::Connection& db) { return store::list_tickets(db, q); };
  const auto tickets = co_await s->db.read(std::move(load));
  list items;
  for (const auto& t : tickets) {
    data item{"id", std::to_string(t.id)};
    item.set("subject", t.subject);
    item.set("status", status_text(t.life.status));
    item.set("created", format_time(t.created_at).substr(0, 10));
    items.push_back(item);
  }
  data values{"email", who->session.customer.email};
  values.set("has_tickets", tickets.empty() ? data::type::bool_false : data::type::bool_true);
  values.set("tickets", items);
  values.set("csrf", who->csrf);
  co_return page(ctx, bh::status::ok, "Your requests", kTicketList, values);
}

boost::asio::awaitable<http::Response> request_link(Services* s, http::Context ctx) {
  FormInput form(ctx.request.body());
  limit_forms(s, ctx, "link");
  const std::string email = trim_space(form.text("email", 3, 254).value_or(""));
  if (looks_like_email(email)) {
    limit_mails_to(s, "link", email);
    auto queue = [email, now = s->clock.now_ms()](store::Tx& tx) {
      // Only known customers get a mail; the answer is the same either way, so the form
      // doesn't tell who is a customer.
      if (auto customer = store::find_customer_by_email(tx.connection(), email))
        store::enqueue(tx, store::MailMagicLink{customer->id}, now, now);
      return 0;
    };
    co_await write(s, std::move(queue));
  }
  co_return html_response(
      ctx.request, bh::status::ok,
      message_html("Check your mail",
                   "If we know this address, we have sent it a link to your requests."));
}

// The customer a sign-in link in the path belongs to, if it is valid now.
boost::asio::awaitable<std::optional<store::CustomerRecord>> link_owner(Services* s,
                                                                        const http::Context& ctx) {
  auto find = [hash = hash_secret(ctx.param("token")), now = s->clock.now_ms()](
                  store::Connection& db) { return store::customer_for_link(db, hash, now); };
  co_return co_await s->db.read(std::move(find));
}

http::Response link_expired(const http::Context& ctx) {
  return html_response(
      ctx.request, bh::status::not_found,
      message_html("This link has expired", "Ask for a new link on the page of your requests.",
                   "/my", "Go to your requests"));
}

boost::asio::awaitable<http::Response> sign_in_page(Services* s, http::Context ctx) {
  // A GET changes nothing (mail scanners open links): the button signs in.
  const auto customer = co_await link_owner(s, ctx);
  if (!customer) co_return link_expired(ctx);
  co_return html_response(
      ctx.request, bh::status::ok,
      message_html("Open your requests", "Signing in as " + customer->email + ".",
                   "/my/sign-in/" + ctx.param("token"), "Open my requests"));
}

boost::asio::awaitable<http::Response> sign_in(Services* s, http::Context ctx) {
  const auto customer = co_await link_owner(s, ctx);
  if (!customer) co_return link_expired(ctx);
  const auto now = s->clock.now_ms();
  const std::string token = random_secret();
  auto start = [id = customer->id, hash = hash_secret(token), csrf = hash_secret(csrf_for(token)),
                now](store::Tx& tx) {
    store::create_customer_session(tx, id, hash, csrf, now, now + kSessionLength);
    return 0;
  };
  co_await write(s, std::move(start));
  auto res = redirect(ctx, "/my");
  res.set(bh::field::set_cookie,
          std::string(kCustomerCookie) + "=" + token +
              "; Path=/; HttpOnly; SameSite=Lax; Max-Age=" + std::to_string(kSessionLength / 1000) +
              (s->auth.secure_cookie ? "; Secure" : ""));
  co_return res;
}

boost::asio::awaitable<http::Response> sign_out(Services* s, http::Context ctx) {
  if (auto who = co_await signed_in(s, ctx)) {
    check_csrf(*who, FormInput(ctx.request.body()));
    auto end = [hash = hash_secret(*cookie_value(ctx.request, kCustomerCookie))](store::Tx& tx) {
      store::delete_customer_session(tx, hash);
      return 0;
    };
    co_await write(s, std::move(end));
  }
  auto res = redirect(ctx, "/my");
  res.set(bh::field::set_cookie,
          std::string(kCustomerCookie) + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
  co_return res;
}

// The ticket if it is this customer's; another customer's ticket is "not found", never "forbidden".
boost::asio::awaitable<store::TicketRecord> own_ticket(Services* s, const Signed& who,
                                                       store::Id id) {
  auto find = [id](store::Connection& db) { return store::find_ticket(db, id); };
  auto ticket = co_await s->db.read(std::move(find));
  if (!ticket || ticket->customer.id != who.session.customer.id)
    throw http::Problem(404, "not_found", "We could not find this request among yours.");
  co_return std::move(*ticket);
}

boost::asio::awaitable<http::Response> conversation(Services* s, http::Context ctx) {
  const auto who = co_await signed_in(s, ctx);
  if (!who) co_return redirect(ctx, "/my");
  const auto ticket = co_await own_ticket(s, *who, path_id(ctx));
  auto load = [id = ticket.id](store::Connection& db) { return store::list_messages(db, id); };
  const auto messages = co_await s->db.read(std::move(load));
  list items;
  for (const auto& m : messages) {
    if (m.internal) continue;  // internal notes are for staff only
    data item{"body", m.body};
    const bool by_agent = m.author_kind == domain::ActorKind::agent;
    item.set("agent", by_agent ? data::type::bool_true : data::type::bool_false);
    item.set("author", by_agent ? (m.author_name.empty() ? std::string("Support") : m.author_name)
                                : std::string("You"));
    item.set("at", format_time(m.created_at).substr(0, 16).replace(10, 1, " "));
    items.push_back(item);
  }
  data values{"id", std::to_string(ticket.id)};
  values.set("subject", ticket.subject);
  values.set("status", status_text(ticket.life.status));
  values.set("messages", items);
  values.set("csrf", who->csrf);
  co_return page(ctx, bh::status::ok, "#" + std::to_string(ticket.id) + " " + ticket.subject,
                 kConversation, values);
}

boost::asio::awaitable<http::Response> customer_reply(Services* s, http::Context ctx) {
  const auto who = co_await signed_in(s, ctx);
  if (!who)
    throw http::Problem(401, "unauthenticated",
                        "Please open your requests again from the link in our mail.");
  FormInput form(ctx.request.body());
  check_csrf(*who, form);
  const auto ticket = co_await own_ticket(s, *who, path_id(ctx));
  const auto body =
      form.required_text("body", 100'000, "Please write a reply (up to 100,000 characters).");
  form.finish();
  const store::Actor customer{domain::ActorKind::customer, std::nullopt, domain::Role::agent};
  store::NewMessage message{domain::ActorKind::customer, false, body, std::nullopt};
  auto add = [id = ticket.id, message, customer, now = s->clock.now_ms(),
              policy = s->policy](store::Tx& tx) {
    return store::add_message(tx, id, message, customer, now, policy);
  };
  const auto [record, updated] = co_await write(s, std::move(add));
  // A reply to a closed request starts a new one: show where it went.
  co_return redirect(ctx, "/my/tickets/" + std::to_string(record.ticket_id));
}

}  // namespace

void add_portal_routes(http::Router& router, Services& services) {
  page_route<home>(router, bh::verb::get, "/", services);
  page_route<contact_form>(router, bh::verb::get, "/support", services);
  page_route<submit_contact>(router, bh::verb::post, "/support", services);
  page_route<portal_home>(router, bh::verb::get, "/my", services);
  page_route<request_link>(router, bh::verb::post, "/my/link", services);
  page_route<sign_in_page>(router, bh::verb::get, "/my/sign-in/{token}", services);
  page_route<sign_in>(router, bh::verb::post, "/my/sign-in/{token}", services);
  page_route<sign_out>(router, bh::verb::post, "/my/sign-out", services);
  page_route<conversation>(router, bh::verb::get, "/my/tickets/{id}", services);
  page_route<customer_reply>(router, bh::verb::post, "/my/tickets/{id}/messages", services);
}

}  // namespace hd::api
