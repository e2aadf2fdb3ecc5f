#include "mail/header_scan.hpp"

#include <glib.h>

#include <algorithm>
#include <memory>

#include "mail/message.hpp"

namespace hd::mail {
namespace {

// Headers longer than this are not read by the scan: a Message-ID sits near the top.
constexpr std::size_t kHeaderScanLimit = 256 * 1024;

bool name_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  return std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

std::string scan_message_id(std::string_view raw) {
  raw = raw.substr(0, std::min(raw.size(), kHeaderScanLimit));
  // Walk the header lines, joining continuation lines (folding) to the header they continue.
  std::string header;
  auto finish = [&]() -> std::string {
    if (!name_is(header, "message-id")) return {};
    const auto open = header.find('<'), close = header.find('>', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    std::string id = header.substr(open, close - open + 1);
    return is_valid_message_id(id) ? id : std::string();
  };
  std::size_t pos = 0;
  while (pos < raw.size()) {
    auto end = raw.find('\n', pos);
    if (end == std::string_view::npos) end = raw.size();
    std::string_view line = raw.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = end + 1;
    if (!line.empty() && (line.front() == ' ' || line.front() == '\t')) {
      header += line;
      continue;
    }
    if (auto id = finish(); !id.empty()) return id;
    if (line.empty()) return {};  // the end of the header section
    header = line;
  }
  return finish();
}

std::string dedup_key(std::string_view raw) {
  if (auto id = scan_message_id(raw); !id.empty()) return id;
  std::unique_ptr<gchar, decltype(&g_free)> hex(
      g_compute_checksum_for_data(G_CHECKSUM_SHA256, reinterpret_cast<const guchar*>(raw.data()),
                                  raw.size()),
      &g_free);
  return "sha256:" + std::string(hex.get());
}

}  // namespace hd::mail
