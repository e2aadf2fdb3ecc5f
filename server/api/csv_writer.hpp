#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "http/types.hpp"

namespace hd::api {

/// Builds RFC 4180 CSV text (UTF-8, CRLF line ends) one cell at a time.
/// Text cells are quoted when they hold a comma, quote, CR or LF, and are guarded against
/// formula injection: one that starts with = + - @, a tab or a CR gets a leading apostrophe,
/// so a spreadsheet shows it as text instead of running it. Numbers are written as numbers.
/// Not thread-safe; one writer per response.
class CsvWriter {
 public:
  /// A text cell (escaped and guarded as above).
  CsvWriter& text(std::string_view value);
  /// A number cell, shortest round-trip form; nothing writes an empty cell.
  CsvWriter& number(std::optional<double> value);
  CsvWriter& integer(std::optional<long long> value);
  /// A boolean cell: true / false; nothing writes an empty cell.
  CsvWriter& boolean(std::optional<bool> value);
  /// Ends the current row.
  CsvWriter& end_row();
  /// The text so far; the writer is empty afterwards.
  std::string take();
  /// How many bytes wait to be taken.
  std::size_t size() const { return out_.size(); }

 private:
  void separate();
  std::string out_;
  bool row_started_ = false;
};

/// The headers of a CSV download named `filename`: 200, text/csv, no length. HTTP/1.1 clients
/// get a chunked body, so that a download cut short by a failure is seen as incomplete; the
/// connection closes after it (the session's stream contract).
http::Response csv_response(const http::Request& request, std::string_view filename);

/// Writes the body of a csv_response in pieces, each flushed as one chunk when it grows past
/// a bound: a large export is never held whole in memory. Runs on the connection's strand;
/// `stream` must outlive it. A write error (the client went away) ends the download quietly:
/// later sends do nothing.
class CsvBody {
 public:
  CsvBody(boost::beast::tcp_stream& stream, bool chunked) : stream_(stream), chunked_(chunked) {}
  /// Sends what `out` holds once it is past the flush bound (or always, when `force`).
  /// Returns false once the client is gone.
  boost::asio::awaitable<bool> send(CsvWriter& out, bool force = false);
  /// Sends what is left and ends the body (the last chunk).
  boost::asio::awaitable<void> finish(CsvWriter& out);

  static constexpr std::size_t kFlushAt = 64 * 1024;

 private:
  boost::beast::tcp_stream& stream_;
  bool chunked_;
  bool failed_ = false;
};

}  // namespace hd::api
