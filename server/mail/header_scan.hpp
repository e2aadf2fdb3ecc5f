#pragma once

#include <string>
#include <string_view>

namespace hd::mail {

/// The Message-ID of a raw message found by a plain scan of its header section (unfolded,
/// case-insensitive name), without a MIME parser: what intake needs before it stores the mail
/// and before anything could crash on its content. Empty when missing or not a valid msg-id.
std::string scan_message_id(std::string_view raw);

/// The key that makes the same mail twice a duplicate: its Message-ID, else
/// "sha256:<hex>" of the raw bytes.
std::string dedup_key(std::string_view raw);

}  // namespace hd::mail
