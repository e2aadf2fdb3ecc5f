// The customer's survey: a public page and its JSON API, reached only through the random
// single-purpose token of a satisfaction mail. Reading never records anything (mail scanners
// follow links); only a POST answers.

#include "api/form_input.hpp"
#include "api/handler_support.hpp"
#include "api/json_input.hpp"
#include "api/page_layout.hpp"
#include "api/query_input.hpp"
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
  const auto open = domain::can_answer(c.survey.state, c.survey.expires_at, now);
  if (open) return std::nullopt;
  if (open.error() == domain::errc::conflict)
    return http::Problem(409, "already_answered", "This survey was answered already. Thank you!");
  return http::Problem(410, "gone",
                       "This survey is closed: it expired or the request was reopened.");
}

json::object survey_json(const store::SurveyContext& c, const domain::SurveySettings& options) {
  json::object o{{"ticket", {{"id", c.ticket.id}, {"subject", c.ticket.subject}}},
                 {"agent_name", c.agent_name},
                 {"state", domain::to_string(c.survey.state)},
                 {"expires_at", c.survey.expires_at ? json::value(format_time(*c.survey.expires_at))
                                                    : json::value()},
                 {"questions",
                  {{"csat", true},
                   {"resolved", true},
                   {"nps", options.ask_nps},
                   {"ces", options.ask_ces},
                   {"comment", options.ask_comment}}}};
  if (c.survey.state == domain::SurveyState::answered) {
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
void keep_asked(domain::SurveyAnswer& a, const domain::SurveySettings& options) {
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
  co_return reply(ctx, bh::status::ok,
                  {{"state", domain::to_string(result.survey.state)},
                   {"outcome", result.reopened ? "reopened" : "closed"}});
}

http::Response html(const http::Context& ctx, bh::status status, std::string body) {
  return html_response(ctx.request, status, std::move(body));
}

std::string form_action(const http::Context& ctx) {
  return "/survey/" + ctx.param("token");
}

boost::asio::awaitable<http::Response> survey_page(Services* s, http::Context ctx) {
  // The mail's buttons add ?score=N; a link mangled on its way preselects nothing rather than
  // refusing the customer the form.
  std::optional<int> score;
  for (const auto& p : boost::urls::url_view(ctx.url).params())
    if (p.key == "score")
      if (auto n = QueryInput::parse_integer(p.value, 1, 5)) score = static_cast<int>(*n);
  const auto survey = co_await load_survey(s, ctx.param("token"));
  if (auto closed = closed_reason(survey, s->clock.now_ms())) throw *closed;
  co_return html(ctx, bh::status::ok,
                 survey_form_html(survey, form_action(ctx), score, s->survey, ""));
}

// Reads the form's answer; what is missing or wrong is recorded in `form` for a person to read.
domain::SurveyAnswer read_answer(FormInput& form) {
  domain::SurveyAnswer a;
  const auto csat = form.integer("csat", 1, 5);
  if (!csat && form.ok()) form.fail("csat", "Please choose how satisfied you are (1 to 5).");
  a.csat = csat.value_or(0);
  const auto resolved = form.raw("resolved");
  if (resolved != "yes" && resolved != "no")
    form.fail("resolved", "Please tell us whether your issue is resolved.");
  a.resolved = resolved == "yes";
  a.nps = form.integer("nps", 0, 10);
  a.ces = form.integer("ces", 1, 7);
  a.comment = form.text("comment", 0, 5000).value_or("");
  if (form.ok())
    if (auto problem = domain::answer_problem(a))
      form.fail("answer", "Please check your answer: " + *problem + ".");
  return a;
}

boost::asio::awaitable<http::Response> answer_form(Services* s, http::Context ctx) {
  FormInput form(ctx.request.body());
  auto answer = read_answer(form);
  if (!form.ok()) {
    const auto survey = co_await load_survey(s, ctx.param("token"));
    if (auto closed = closed_reason(survey, s->clock.now_ms())) throw *closed;
    co_return html(
        ctx, bh::status::unprocessable_entity,
        survey_form_html(survey, form_action(ctx), std::nullopt, s->survey, form.first_message()));
  }
  keep_asked(answer, s->survey);
  const auto result = co_await record(s, ctx.param("token"), answer);
  co_return html(ctx, bh::status::ok,
                 result.reopened
                     ? message_html("Thank you – we are on it",
                                    "We are sorry it is not solved yet. Your request is open again "
                                    "and the team has been told; we will get back to you.")
                     : message_html("Thank you!", "Your answer helps us help you better."));
}

boost::asio::awaitable<http::Response> opt_out_page(Services* s, http::Context ctx) {
  co_await load_survey(s, ctx.param("token"));
  co_return html(ctx, bh::status::ok,
                 message_html("Stop satisfaction surveys?",
                              "We will no longer ask you how we did after your requests.",
                              form_action(ctx) + "/opt-out", "Stop surveys"));
}
boost::asio::awaitable<store::CustomerRecord> opt_out(Services* s, std::string token) {
  auto stop = [hash = security::hash_secret(token), now = s->clock.now_ms()](store::Tx& tx) {
    return store::opt_out_of_surveys(tx, hash, now);
  };
  co_return co_await write(s, std::move(stop));
}

boost::asio::awaitable<http::Response> opt_out_form(Services* s, http::Context ctx) {
  co_await opt_out(s, ctx.param("token"));
  co_return html(
      ctx, bh::status::ok,
      message_html("You will get no more surveys", "You can still reply to us at any time."));
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
  page_route<survey_page>(router, bh::verb::get, "/survey/{token}", services);
  page_route<answer_form>(router, bh::verb::post, "/survey/{token}", services);
  page_route<opt_out_page>(router, bh::verb::get, "/survey/{token}/opt-out", services);
  page_route<opt_out_form>(router, bh::verb::post, "/survey/{token}/opt-out", services);
}

}  // namespace hd::api
