#include "domain/errc.hpp"

#include <string>

namespace hd::domain {
namespace {

class Category final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "helpdesk"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::ok:
        return "ok";
      case errc::not_found:
        return "not found";
      case errc::invalid_argument:
        return "invalid argument";
      case errc::illegal_transition:
        return "illegal transition";
      case errc::conflict:
        return "conflict";
      case errc::version_mismatch:
        return "version mismatch";
      case errc::forbidden:
        return "forbidden";
      case errc::unauthenticated:
        return "unauthenticated";
      case errc::rate_limited:
        return "rate limited";
      case errc::gone:
        return "gone";
    }
    return "unknown error";
  }
};

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const Category category;
  return category;
}

}  // namespace hd::domain
