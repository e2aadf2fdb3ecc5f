#pragma once

#include <string>
#include <string_view>

namespace hd::mail {

/// Readable plain text of an HTML body (libxml2's forgiving HTML parser): scripts, styles and
/// comments dropped, blocks and <br> as line breaks, list items as "- ", links as
/// "text (url)" when the url differs from the text, entities decoded, runs of blank lines
/// collapsed. `html` should be UTF-8 (charset conversion happens before).
std::string html_to_text(std::string_view html);

/// What a conversation should show of a reply: the text above the quoted history (Gmail's
/// "On ... wrote:", Outlook's "From:/Sent:" block or "-----Original Message-----", their German
/// and Swedish forms, trailing ">" lines) and without the signature ("-- " and "Sent from my
/// ..."). Returns `text` unchanged when trimming would leave nothing.
std::string trim_quoted_reply(std::string_view text);

}  // namespace hd::mail
