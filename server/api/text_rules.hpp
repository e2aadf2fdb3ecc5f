#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace hd::api {

// The one standard every text input meets, whether it comes from JSON, a form or a query
// string: valid UTF-8, no control characters (tab and line breaks excepted), and a length
// counted in characters. Whatever passes can be stored, listed, searched and mailed safely.

/// Characters (code points) in valid UTF-8 text: limits count characters, not bytes.
std::size_t char_count(std::string_view utf8);

/// True for well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// What is wrong with `text` as an input of `min_len` to `max_len` characters, as a phrase that
/// follows the field's name ("must be 1 to 250 characters long"); nothing when it is fine.
std::optional<std::string> text_problem(std::string_view text, std::size_t min_len,
                                        std::size_t max_len);

/// Validates an email address enough to catch typos (one @, a dot in the domain, no spaces).
bool looks_like_email(std::string_view email);

/// `text` without leading and trailing spaces, tabs and line breaks.
std::string trim_space(std::string_view text);

/// The form of an email address used to compare and count it: trimmed and lower-cased (ASCII),
/// so that " Ann@Example.com" and "ann@example.com" are one account and one inbox.
std::string normalize_email(std::string_view email);

}  // namespace hd::api
