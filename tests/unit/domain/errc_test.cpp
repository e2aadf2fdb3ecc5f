#include "domain/errc.hpp"

#include <doctest/doctest.h>

#include <string>

namespace hd::domain {

TEST_CASE("errc: the helpdesk error category") {
  CHECK(std::string(error_category().name()) == "helpdesk");
  CHECK(&error_category() == &error_category());  // one category object, compared by address

  SUBCASE("every code has its own message") {
    CHECK(make_error_code(errc::ok).message() == "ok");
    CHECK(make_error_code(errc::not_found).message() == "not found");
    CHECK(make_error_code(errc::invalid_argument).message() == "invalid argument");
    CHECK(make_error_code(errc::illegal_transition).message() == "illegal transition");
    CHECK(make_error_code(errc::conflict).message() == "conflict");
    CHECK(make_error_code(errc::version_mismatch).message() == "version mismatch");
    CHECK(make_error_code(errc::forbidden).message() == "forbidden");
    CHECK(make_error_code(errc::unauthenticated).message() == "unauthenticated");
    CHECK(make_error_code(errc::rate_limited).message() == "rate limited");
  }
  SUBCASE("a value outside the enum is not a crash") {
    CHECK(error_category().message(9999) == "unknown error");
    CHECK(error_category().message(-1) == "unknown error");
  }
}

TEST_CASE("errc: usable as a boost::system::error_code") {
  const boost::system::error_code ec = errc::illegal_transition;  // is_error_code_enum
  CHECK(ec.failed());
  CHECK(ec.value() == static_cast<int>(errc::illegal_transition));
  CHECK(&ec.category() == &error_category());
  CHECK(ec == errc::illegal_transition);
  CHECK(ec != errc::forbidden);

  const boost::system::error_code ok = make_error_code(errc::ok);
  CHECK_FALSE(ok.failed());  // 0 means success in every category

  // The same number in another category is another error.
  CHECK(make_error_code(errc::not_found) !=
        boost::system::error_code(static_cast<int>(errc::not_found),
                                  boost::system::generic_category()));
}

TEST_CASE("errc: result<T> carries a value or an errc") {
  const result<int> good = 42;
  REQUIRE(good.has_value());
  CHECK(*good == 42);

  const result<int> bad = make_error_code(errc::not_found);
  REQUIRE(bad.has_error());
  CHECK(bad.error() == errc::not_found);
}

}  // namespace hd::domain
