#include "api/time_format.hpp"

#include <algorithm>

#include <date/date.h>

namespace hd::api {
using domain::Millis;

std::string format_time(Millis t) {
  std::string text(kTimeTextSize, ' ');
  format_time_into(t, text.data());
  return text;
}

void format_time_into(Millis t, char* text) {
  // date's calendar arithmetic with fixed-width digits written directly: formatting through
  // iostreams or printf made times the largest cost of a ticket list page.
  using namespace std::chrono;
  const date::sys_time<milliseconds> tp{milliseconds{t}};
  const auto day = date::floor<date::days>(tp);
  const date::year_month_day ymd{day};
  const date::hh_mm_ss<milliseconds> time{tp - day};
  constexpr std::string_view kLayout = "0000-00-00T00:00:00.000Z";
  static_assert(kLayout.size() == kTimeTextSize);
  std::copy(kLayout.begin(), kLayout.end(), text);
  auto put = [text](std::size_t at, long long value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10)
      text[at + static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
  };
  put(0, int(ymd.year()), 4);
  put(5, unsigned(ymd.month()), 2);
  put(8, unsigned(ymd.day()), 2);
  put(11, time.hours().count(), 2);
  put(14, time.minutes().count(), 2);
  put(17, time.seconds().count(), 2);
  put(20, time.subseconds().count(), 3);
}

std::optional<Millis> parse_time(std::string_view text) {
  // RFC 3339 §5.6 by hand: date::parse accepts offsets and fields no calendar has (+99:99,
  // hour 24, five-digit years), and each of those must be a 400, not a time.
  const auto number = [text](std::size_t at, std::size_t width) -> std::optional<int> {
    if (at + width > text.size()) return std::nullopt;
    int n = 0;
    for (std::size_t i = at; i < at + width; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      n = n * 10 + (text[i] - '0');
    }
    return n;
  };
  const auto is = [text](std::size_t at, char a, char b = 0) {
    return at < text.size() && (text[at] == a || (b && text[at] == b));
  };
  const auto year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const auto hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || !is(4, '-') || !is(7, '-') ||
      !is(10, 'T', 't') || !is(13, ':') || !is(16, ':'))
    return std::nullopt;
  const date::year_month_day ymd{date::year{*year}, date::month(static_cast<unsigned>(*month)),
                                 date::day(static_cast<unsigned>(*day))};
  if (*year < 1 || !ymd.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (is(at, '.')) {
    const std::size_t first = ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      if (at - first < 3) millis = millis * 10 + (text[at] - '0');
      ++at;
    }
    if (at == first || at - first > 9) return std::nullopt;
    for (std::size_t n = at - first; n < 3; ++n) millis *= 10;
  }
  int offset_minutes = 0;
  if (is(at, 'Z', 'z')) {
    ++at;
  } else if (is(at, '+') || is(at, '-')) {
    const auto oh = number(at + 1, 2), om = number(at + 4, 2);
    if (!oh || !om || !is(at + 3, ':') || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  using namespace std::chrono;
  const auto local = date::sys_days{ymd} + hours{*hour} + minutes{*minute} + seconds{*second} +
                     milliseconds{millis};
  // The offset can carry a time written as 9999-12-31 or 0001-01-01 past the years that RFC 3339
  // (and format_time) can write; such a time is refused rather than answered unreadably.
  const auto utc = local - minutes{offset_minutes};
  constexpr auto first = date::sys_days{date::year{1} / 1 / 1};
  constexpr auto after_last = date::sys_days{date::year{10000} / 1 / 1};
  if (utc < first || utc >= after_last) return std::nullopt;
  return duration_cast<milliseconds>(utc.time_since_epoch()).count();
}

}  // namespace hd::api
