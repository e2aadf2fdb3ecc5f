// QueryInput, FormInput, JsonInput and InputErrors: the readers every endpoint uses.
#include <doctest/doctest.h>

#include <boost/url/parse.hpp>

#include "api/form_input.hpp"
#include "api/input_errors.hpp"
#include "api/json_input.hpp"
#include "api/query_input.hpp"
#include "http/problem.hpp"

using namespace hd;
using namespace hd::api;

namespace {

QueryInput query(std::string_view target) {
  return QueryInput(*boost::urls::parse_origin_form(target));
}

// The problem that `f` throws; fails the test when it throws none.
template <class F>
http::Problem problem_of(F f) {
  try {
    f();
  } catch (const http::Problem& p) {
    return p;
  }
  FAIL("no problem thrown");
  return {0, "", ""};
}

http::Request json_request(std::string body, std::string type = "application/json") {
  http::Request r{http::beast_http::verb::post, "/x", 11};
  if (!type.empty()) r.set(http::beast_http::field::content_type, type);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

}  // namespace

TEST_CASE("InputErrors: an answer stays small however many errors") {
  InputErrors errors;
  for (int i = 0; i < 100'000; ++i) errors.add("f" + std::to_string(i), "is not a known field");
  const auto p = problem_of([&] { errors.raise(400, "invalid_request", "Bad"); });
  CHECK(p.status == 400);
  CHECK(p.extra.at("errors").as_array().size() == InputErrors::kShown);
  CHECK(p.extra.at("error_count").as_uint64() == 100'000);
  CHECK(p.detail.size() < 1000);
  CHECK(p.detail.find("and 99990 more") != std::string::npos);
}

TEST_CASE("InputErrors: an unreadable field name is not echoed") {
  InputErrors errors;
  errors.add("\xff\xfe", "is not a known field");
  errors.add(std::string(500, 'k'), "is not a known field");
  const auto p = problem_of([&] { errors.raise(400, "invalid_request", "Bad"); });
  for (const auto& e : p.extra.at("errors").as_array())
    CHECK(e.at("field").as_string().size() < 80);
}

TEST_CASE("QueryInput: typed values, unknown and repeated parameters refused") {
  auto q = query("/t?limit=20&team=3&q=printer&status=open&status=pending");
  CHECK(q.integer("limit", 1, 200) == 20);
  CHECK(q.integer("team", 1, INT64_MAX) == 3);
  CHECK(q.text("q", 200) == "printer");
  CHECK(q.all("status").size() == 2);
  CHECK_NOTHROW(q.finish());

  for (const char* bad :
       {"/t?limit=abc", "/t?limit=0", "/t?limit=1e3", "/t?limit=5&limit=6", "/t?colour=red",
        "/t?q=a%00b", "/t?q=%ff", "/t?created_after=yesterday"}) {
    CAPTURE(bad);
    auto in = query(bad);
    in.integer("limit", 1, 200);
    in.text("q", 200);
    in.time("created_after");
    const auto p = problem_of([&] { in.finish(); });
    CHECK(p.status == 400);
    CHECK(p.code == "invalid_query");
    CHECK(p.extra.at("errors").as_array().size() >= 1);
  }
}

TEST_CASE("FormInput: UTF-8, numbers and duplicates") {
  FormInput ok("csat=4&resolved=yes&comment=All+good%21");
  CHECK(ok.integer("csat", 1, 5) == 4);
  CHECK(ok.text("comment", 0, 5000) == "All good!");
  CHECK(ok.ok());

  FormInput letters("csat=four&nps=%2B3");
  CHECK_FALSE(letters.integer("csat", 1, 5));
  CHECK_FALSE(letters.integer("nps", 0, 10));
  CHECK_FALSE(letters.ok());
  CHECK(problem_of([&] { letters.finish(); }).status == 422);

  FormInput control("comment=a%00b");
  CHECK_FALSE(control.text("comment", 0, 5000));
  CHECK_FALSE(control.ok());

  FormInput twice("csat=1&csat=5");
  CHECK_FALSE(twice.ok());

  CHECK(problem_of([] { FormInput bad("comment=%ff%fe"); }).status == 400);
  CHECK(problem_of([] { FormInput bad("a=%zz"); }).status == 400);
}

TEST_CASE("JsonInput: text meets the same standard; errors are bounded") {
  JsonInput in(json_request(R"({"subject":"a\u0000b"})"));
  in.text("subject", 1, 250);
  CHECK(problem_of([&] { in.finish(); }).status == 400);

  std::string many = "{";
  for (int i = 0; i < 5000; ++i) many += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  many += "}";
  JsonInput wide(json_request(many));
  const auto p = problem_of([&] { wide.finish(); });
  CHECK(p.extra.at("errors").as_array().size() == InputErrors::kShown);
  CHECK(p.extra.at("error_count").as_uint64() == 5000);
}

TEST_CASE("JsonInput: a body that is not declared JSON is 415") {
  CHECK_NOTHROW(JsonInput(json_request("{}", "application/json; charset=utf-8")));
  CHECK_NOTHROW(JsonInput(json_request("{}", "Application/JSON")));
  CHECK_NOTHROW(JsonInput(json_request("{}", "application/merge-patch+json")));
  for (const char* type : {"", "text/plain", "application/x-www-form-urlencoded",
                           "multipart/form-data; boundary=x", "application/jsonx"}) {
    CAPTURE(type);
    CHECK(problem_of([&] { JsonInput in(json_request("{}", type)); }).status == 415);
  }
}
