#include "api/csv_writer.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <utility>

namespace hd::api {

void CsvWriter::separate() {
  if (row_started_) out_ += ',';
  row_started_ = true;
}

CsvWriter& CsvWriter::text(std::string_view value) {
  separate();
  // A cell a spreadsheet would take for a formula is shown as text instead.
  const bool formula =
      !value.empty() && (value.front() == '=' || value.front() == '+' || value.front() == '-' ||
                         value.front() == '@' || value.front() == '\t' || value.front() == '\r');
  const bool quote = value.find_first_of(",\"\r\n") != std::string_view::npos;
  if (quote) out_ += '"';
  if (formula) out_ += '\'';
  for (const char c : value) {
    if (c == '"') out_ += '"';
    out_ += c;
  }
  if (quote) out_ += '"';
  return *this;
}

CsvWriter& CsvWriter::number(std::optional<double> value) {
  separate();
  if (!value || !std::isfinite(*value)) return *this;
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *value);
  if (ec == std::errc{}) out_.append(buf, end);
  return *this;
}

CsvWriter& CsvWriter::integer(std::optional<long long> value) {
  separate();
  if (value) out_ += std::to_string(*value);
  return *this;
}

CsvWriter& CsvWriter::boolean(std::optional<bool> value) {
  separate();
  if (value) out_ += *value ? "true" : "false";
  return *this;
}

CsvWriter& CsvWriter::end_row() {
  out_ += "\r\n";
  row_started_ = false;
  return *this;
}

std::string CsvWriter::take() {
  row_started_ = false;
  return std::exchange(out_, {});
}

http::Response csv_response(const http::Request& request, std::string_view filename) {
  namespace bh = http::beast_http;
  http::Response res{bh::status::ok, request.version()};
  res.set(bh::field::content_type, "text/csv; charset=utf-8; header=present");
  res.set(bh::field::content_disposition, "attachment; filename=\"" + std::string(filename) + "\"");
  res.set(bh::field::cache_control, "no-store");
  res.keep_alive(false);
  if (request.version() >= 11) res.chunked(true);
  return res;
}

boost::asio::awaitable<bool> CsvBody::send(CsvWriter& out, bool force) {
  if (failed_) co_return false;
  if (out.size() == 0 || (!force && out.size() < kFlushAt)) co_return true;
  std::string data = out.take();
  if (chunked_) {
    char size[20];
    const auto [end, ec] = std::to_chars(size, size + sizeof size, data.size(), 16);
    data = std::string(size, end) + "\r\n" + data + "\r\n";
  }
  // A client that stops reading for this long is given up on, like a slow event stream.
  stream_.expires_after(std::chrono::seconds(30));
  const auto [ec, n] = co_await boost::asio::async_write(
      stream_, boost::asio::buffer(data), boost::asio::as_tuple(boost::asio::use_awaitable));
  if (ec) failed_ = true;
  co_return !failed_;
}

boost::asio::awaitable<void> CsvBody::finish(CsvWriter& out) {
  if (!co_await send(out, true) || !chunked_) co_return;
  static constexpr std::string_view kLast = "0\r\n\r\n";
  stream_.expires_after(std::chrono::seconds(30));
  const auto [ec, n] = co_await boost::asio::async_write(
      stream_, boost::asio::buffer(kLast), boost::asio::as_tuple(boost::asio::use_awaitable));
  failed_ = failed_ || ec;
}

}  // namespace hd::api
