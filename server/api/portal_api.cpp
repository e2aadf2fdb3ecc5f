// The customer's side, as plain HTML pages: the public contact form, sign-in by a link sent by
// mail, and the portal where a customer follows and answers only their own requests.
#include <boost/json/serialize.hpp>
#include <boost/url/params_view.hpp>
#include <map>

#include "api/auth.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/page_layout.hpp"
#include "api/routes.hpp"
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
<p class="meta">For support teams and integrations: the <a href="/api/v1/openapi.json">API description</a> (OpenAPI 3.1).</p>
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

std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> fields;
  try {
    boost::urls::encoding_opts form;
    form.space_as_plus = true;
    for (const auto& p : boost::urls::params_view(body, form)) fields[p.key] = p.value;
  } catch (const boost::system::system_error&) {
    throw http::Problem(400, "malformed_form", "The form could not be read.");
  }
  for (const auto& [key, value] : fields)
    if (!is_valid_utf8(key) || !is_valid_utf8(value))
      throw http::Problem(400, "malformed_form", "The form holds text that is not valid UTF-8.");
  return fields;
}

bool blank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
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

// Counts one use of a public form from this address; refuses beyond the hourly limit.
void limit_forms(Services* s, const http::Context& ctx, const char* form) {
  const std::string key = std::string(form) + ":" + ctx.remote_address;
  const auto now = s->clock.now_ms();
  if (const auto wait = s->limiter.wait_for(key, kFormsPerHour, kHour, now); wait > 0) {
    http::Problem p(429, "too_many_requests",
                    "Too many requests from your address. Please try again later.");
    p.headers.emplace_back("Retry-After", std::to_string((wait + 999) / 1000));
    throw p;
  }
  s->limiter.record_failure(key, kHour, now);
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

void check_csrf(const Signed& who, const std::map<std::string, std::string>& fields) {
  const auto it = fields.find("csrf");
  if (it == fields.end() || it->second != who.csrf)
    throw http::Problem(403, "csrf_missing",
                        "This form has expired. Reload the page and try again.");
}

http::Response problem_page(const http::Context& ctx, const http::Problem& p) {
  auto res =
      html_response(ctx.request, bh::int_to_status(p.status), message_html("Sorry", p.detail));
  for (const auto& [name, value] : p.headers) res.set(name, value);
  return res;
}

boost::asio::awaitable<http::Response> home(Services*, http::Context ctx) {
  co_return page(ctx, bh::status::ok, "Helpdesk", kHome, data{});
}

boost::asio::awaitable<http::Response> contact_form(Services*, http::Context ctx) {
  co_return page(ctx, bh::status::ok, "Contact support", kContactForm, data{});
}

boost::asio::awaitable<http::Response> submit_contact(Services* s, http::Context ctx) {
  try {
    auto fields = form_fields(ctx.request.body());
    // Bots fill every field; people never see this one. Answer as if all went well.
    if (!fields["website"].empty())
      co_return html_response(ctx.request, bh::status::ok,
                              message_html("Thank you", "We have received your request."));
    limit_forms(s, ctx, "support");
    store::NewTicket t;
    t.customer = {fields["email"], fields["name"], ""};
    t.subject = fields["subject"];
    t.body = fields["message"];
    t.channel = domain::Channel::web;
    std::string error;
    if (!looks_like_email(t.customer.email))
      error = "Please enter a valid email address.";
    else if (blank(t.subject) || char_count(t.subject) > 250)
      error = "Please enter a subject (up to 250 characters).";
    else if (blank(t.body) || char_count(t.body) > 100'000)
      error = "Please describe what you need (up to 100,000 characters).";
    else if (char_count(t.customer.name) > 200)
      error = "Please shorten your name (up to 200 characters).";
    if (!error.empty()) {
      data values;
      values.set("error", error);
      for (const char* f : {"name", "email", "subject", "message"}) values.set(f, fields[f]);
      co_return page(ctx, bh::status::unprocessable_entity, "Contact support", kContactForm,
                     values);
    }
    const store::Actor customer{domain::ActorKind::customer, std::nullopt, domain::Role::agent};
    auto create = [t, customer, now = s->clock.now_ms(), policy = s->policy](store::Tx& tx) {
      return store::create_ticket(tx, t, customer, now, policy);
    };
    const auto ticket = co_await write(s, std::move(create));
    co_return html_response(
        ctx.request, bh::status::created,
        message_html("Thank you – request #" + std::to_string(ticket.id),
                     "We have received your request and sent a confirmation to " +
                         ticket.customer.email + " with a link to follow it."));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
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
  try {
    auto fields = form_fields(ctx.request.body());
    limit_forms(s, ctx, "link");
    const std::string email = fields["email"];
    if (looks_like_email(email)) {
      auto queue = [email, now = s->clock.now_ms()](store::Tx& tx) {
        // Only known customers get a mail; the answer is the same either way, so the form
        // doesn't tell who is a customer.
        if (auto customer = store::find_customer_by_email(tx.connection(), email))
          store::queue_job(
              tx, "mail_magic_link",
              boost::json::serialize(boost::json::object{{"customer_id", customer->id}}), now,
              "mail_magic_link:" + std::to_string(customer->id) + ":" + std::to_string(now), now);
        return 0;
      };
      co_await write(s, std::move(queue));
    }
    co_return html_response(
        ctx.request, bh::status::ok,
        message_html("Check your mail",
                     "If we know this address, we have sent it a link to your requests."));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
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
  try {
    if (auto who = co_await signed_in(s, ctx)) {
      check_csrf(*who, form_fields(ctx.request.body()));
      auto end = [hash = hash_secret(*cookie_value(ctx.request, kCustomerCookie))](store::Tx& tx) {
        store::delete_customer_session(tx, hash);
        return 0;
      };
      co_await write(s, std::move(end));
    }
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
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
  try {
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
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

boost::asio::awaitable<http::Response> customer_reply(Services* s, http::Context ctx) {
  try {
    const auto who = co_await signed_in(s, ctx);
    if (!who)
      throw http::Problem(401, "unauthenticated",
                          "Please open your requests again from the link in our mail.");
    const auto fields = form_fields(ctx.request.body());
    check_csrf(*who, fields);
    const auto ticket = co_await own_ticket(s, *who, path_id(ctx));
    const auto body = fields.contains("body") ? fields.at("body") : std::string();
    if (blank(body) || char_count(body) > 100'000)
      throw http::Problem(422, "invalid_request",
                          "Please write a reply (up to 100,000 characters).");
    const store::Actor customer{domain::ActorKind::customer, std::nullopt, domain::Role::agent};
    store::NewMessage message{domain::ActorKind::customer, false, body, std::nullopt};
    auto add = [id = ticket.id, message, customer, now = s->clock.now_ms(),
                policy = s->policy](store::Tx& tx) {
      return store::add_message(tx, id, message, customer, now, policy);
    };
    const auto [record, updated] = co_await write(s, std::move(add));
    // A reply to a closed request starts a new one: show where it went.
    co_return redirect(ctx, "/my/tickets/" + std::to_string(record.ticket_id));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

}  // namespace

void add_portal_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/", services, home);
  route(router, bh::verb::get, "/support", services, contact_form);
  route(router, bh::verb::post, "/support", services, submit_contact);
  route(router, bh::verb::get, "/my", services, portal_home);
  route(router, bh::verb::post, "/my/link", services, request_link);
  route(router, bh::verb::get, "/my/sign-in/{token}", services, sign_in_page);
  route(router, bh::verb::post, "/my/sign-in/{token}", services, sign_in);
  route(router, bh::verb::post, "/my/sign-out", services, sign_out);
  route(router, bh::verb::get, "/my/tickets/{id}", services, conversation);
  route(router, bh::verb::post, "/my/tickets/{id}/messages", services, customer_reply);
}

}  // namespace hd::api
