// The customer's survey: a public page and its JSON API, reached only through the random
// single-purpose token of a satisfaction mail. Reading never records anything (mail scanners
// follow links); only a POST answers.
#include <boost/url/params_view.hpp>
#include <charconv>
#include <variant>

#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/page_layout.hpp"
#include "api/routes.hpp"
#include "api/survey_page.hpp"
#include "security/secrets.hpp"
#include "store/surveys.hpp"

namespace hd::api {
namespace {
namespace bh = http::beast_http;
namespace json = boost::json;

boost::asio::awaitable<store::SurveyContext> load_survey(Services* s, const std::string& token) {
  auto find = [hash = security::hash_secret(token)](store::Connection& db) {
    return store::find_survey_by_token(db, hash);
  };
  auto survey = co_await s->db.read(std::move(find));
  if (!survey) throw http::Problem(404, "not_found", "This survey link is not valid.");
  co_return std::move(*survey);
}

// Why a survey can no longer be answered, or nothing when it can.
std::optional<http::Problem> closed_reason(const store::SurveyContext& c, domain::Millis now) {
  if (c.survey.state == "answered")
    return http::Problem(409, "already_answered", "This survey was answered already. Thank you!");
  if (c.survey.state != "sent" || (c.survey.expires_at && now >= *c.survey.expires_at))
    return http::Problem(410, "gone",
                         "This survey is closed: it expired or the request was reopened.");
  return std::nullopt;
}

json::object survey_json(const store::SurveyContext& c, const SurveyOptions& options) {
  json::object o{{"ticket", {{"id", c.ticket.id}, {"subject", c.ticket.subject}}},
                 {"agent_name", c.agent_name},
                 {"state", c.survey.state},
                 {"expires_at", c.survey.expires_at ? json::value(format_time(*c.survey.expires_at))
                                                    : json::value()},
                 {"questions",
                  {{"csat", true},
                   {"resolved", true},
                   {"nps", options.ask_nps},
                   {"ces", options.ask_ces},
                   {"comment", options.ask_comment}}}};
  if (c.survey.state == "answered") {
    o["answer"] = {
        {"csat", c.survey.csat ? json::value(*c.survey.csat) : json::value()},
        {"resolved", c.survey.resolved ? json::value(*c.survey.resolved) : json::value()}};
  }
  return o;
}

boost::asio::awaitable<store::AnswerResult> record(Services* s, std::string token,
                                                   domain::SurveyAnswer answer) {
  auto answer_it = [hash = security::hash_secret(token), answer,
                    threshold = s->survey.reopen_at_or_below, now = s->clock.now_ms(),
                    policy = s->policy](store::Tx& tx) {
    return store::answer_survey(tx, hash, answer, threshold, now, policy);
  };
  co_return co_await write(s, std::move(answer_it));
}

// Drops the answers to questions this deployment doesn't ask.
void keep_asked(domain::SurveyAnswer& a, const SurveyOptions& options) {
  if (!options.ask_nps) a.nps.reset();
  if (!options.ask_ces) a.ces.reset();
  if (!options.ask_comment) a.comment.clear();
}

boost::asio::awaitable<http::Response> get_survey(Services* s, http::Context ctx) {
  const auto survey = co_await load_survey(s, ctx.param("token"));
  co_return reply(ctx, bh::status::ok, survey_json(survey, s->survey));
}

boost::asio::awaitable<http::Response> answer_json(Services* s, http::Context ctx) {
  JsonInput in(ctx.request);
  domain::SurveyAnswer answer;
  const auto csat = in.integer("csat", 1, 5);
  const auto resolved = in.boolean("resolved");
  auto missing = [&](const char* field) {
    const auto* value = in.root().if_contains(field);
    return !value || value->is_null();
  };
  if (missing("csat")) in.fail("csat", "is required");
  if (missing("resolved")) in.fail("resolved", "is required: true or false");
  answer.csat = csat.value_or(0);
  answer.resolved = resolved.value_or(false);
  answer.nps = in.integer("nps", 0, 10);
  answer.ces = in.integer("ces", 1, 7);
  answer.comment = in.text("comment", 0, 5000).value_or("");
  in.finish();
  keep_asked(answer, s->survey);
  const auto result = co_await record(s, ctx.param("token"), answer);
  co_return reply(
      ctx, bh::status::ok,
      {{"state", result.survey.state}, {"outcome", result.reopened ? "reopened" : "closed"}});
}

http::Response html(const http::Context& ctx, bh::status status, std::string body) {
  return html_response(ctx.request, status, std::move(body));
}

http::Response problem_page(const http::Context& ctx, const http::Problem& p) {
  const std::string title = p.status == 409   ? "Already answered"
                            : p.status == 410 ? "This survey is closed"
                                              : "Link not valid";
  return html(ctx, bh::int_to_status(p.status), message_html(title, p.detail));
}

std::string form_action(const http::Context& ctx) {
  return "/survey/" + ctx.param("token");
}

boost::asio::awaitable<http::Response> survey_page(Services* s, http::Context ctx) {
  std::optional<int> score;
  for (const auto& p : boost::urls::url_view(ctx.url).params())
    if (p.key == "score" && p.value.size() == 1 && p.value[0] >= '1' && p.value[0] <= '5')
      score = p.value[0] - '0';
  try {
    const auto survey = co_await load_survey(s, ctx.param("token"));
    if (auto closed = closed_reason(survey, s->clock.now_ms()))
      co_return problem_page(ctx, *closed);
    co_return html(ctx, bh::status::ok,
                   survey_form_html(survey, form_action(ctx), score, s->survey, ""));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

// Reads an application/x-www-form-urlencoded answer; the message says what is missing.
std::variant<domain::SurveyAnswer, std::string> parse_form(const std::string& body) {
  domain::SurveyAnswer a;
  bool has_csat = false, has_resolved = false;
  std::optional<boost::urls::params_view> query;
  try {
    boost::urls::encoding_opts form;
    form.space_as_plus = true;  // HTML forms encode a space as '+'
    query.emplace(body, form);
  } catch (const boost::system::system_error&) {
    return std::string("The form could not be read.");
  }
  auto number = [](const std::string& v) -> std::optional<int> {
    int n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || end != v.data() + v.size()) return std::nullopt;
    return n;
  };
  for (const auto& p : *query) {
    const std::string key = p.key, value = p.value;
    if (key == "csat") {
      if (auto n = number(value)) a.csat = *n, has_csat = true;
    } else if (key == "resolved") {
      if (value == "yes" || value == "no") a.resolved = value == "yes", has_resolved = true;
    } else if (key == "nps") {
      a.nps = number(value);
    } else if (key == "ces") {
      a.ces = number(value);
    } else if (key == "comment") {
      a.comment = value;
    }
  }
  if (!has_csat) return std::string("Please choose how satisfied you are (1 to 5).");
  if (!has_resolved) return std::string("Please tell us whether your issue is resolved.");
  if (auto problem = domain::answer_problem(a))
    return "Please check your answer: " + *problem + ".";
  return a;
}

boost::asio::awaitable<http::Response> answer_form(Services* s, http::Context ctx) {
  try {
    const auto parsed = parse_form(ctx.request.body());
    if (const auto* error = std::get_if<std::string>(&parsed)) {
      const auto survey = co_await load_survey(s, ctx.param("token"));
      if (auto closed = closed_reason(survey, s->clock.now_ms()))
        co_return problem_page(ctx, *closed);
      co_return html(ctx, bh::status::unprocessable_entity,
                     survey_form_html(survey, form_action(ctx), std::nullopt, s->survey, *error));
    }
    auto answer = std::get<domain::SurveyAnswer>(parsed);
    keep_asked(answer, s->survey);
    const auto result = co_await record(s, ctx.param("token"), answer);
    co_return html(
        ctx, bh::status::ok,
        result.reopened
            ? message_html("Thank you – we are on it",
                           "We are sorry it is not solved yet. Your request is open again "
                           "and the team has been told; we will get back to you.")
            : message_html("Thank you!", "Your answer helps us help you better."));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

boost::asio::awaitable<http::Response> opt_out_page(Services* s, http::Context ctx) {
  try {
    co_await load_survey(s, ctx.param("token"));
    co_return html(ctx, bh::status::ok,
                   message_html("Stop satisfaction surveys?",
                                "We will no longer ask you how we did after your requests.",
                                form_action(ctx) + "/opt-out", "Stop surveys"));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

boost::asio::awaitable<store::CustomerRecord> opt_out(Services* s, std::string token) {
  auto stop = [hash = security::hash_secret(token), now = s->clock.now_ms()](store::Tx& tx) {
    return store::opt_out_of_surveys(tx, hash, now);
  };
  co_return co_await write(s, std::move(stop));
}

boost::asio::awaitable<http::Response> opt_out_form(Services* s, http::Context ctx) {
  try {
    co_await opt_out(s, ctx.param("token"));
    co_return html(
        ctx, bh::status::ok,
        message_html("You will get no more surveys", "You can still reply to us at any time."));
  } catch (const http::Problem& p) {
    co_return problem_page(ctx, p);
  }
}

boost::asio::awaitable<http::Response> opt_out_json(Services* s, http::Context ctx) {
  const auto customer = co_await opt_out(s, ctx.param("token"));
  co_return reply(ctx, bh::status::ok, {{"surveys_opt_out", customer.surveys_opt_out}});
}

}  // namespace

void add_survey_routes(http::Router& router, Services& services) {
  route(router, bh::verb::get, "/api/v1/surveys/{token}", services, get_survey);
  route(router, bh::verb::post, "/api/v1/surveys/{token}", services, answer_json);
  route(router, bh::verb::post, "/api/v1/surveys/{token}/opt-out", services, opt_out_json);
  route(router, bh::verb::get, "/survey/{token}", services, survey_page);
  route(router, bh::verb::post, "/survey/{token}", services, answer_form);
  route(router, bh::verb::get, "/survey/{token}/opt-out", services, opt_out_page);
  route(router, bh::verb::post, "/survey/{token}/opt-out", services, opt_out_form);
}

}  // namespace hd::api
