#include "mail/readable_text.hpp"

#include <libxml/HTMLparser.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <regex>
#include <vector>

namespace hd::mail {
namespace {

// Deeper nesting than this is flattened: a hostile mail can't exhaust the stack.
constexpr int kMaxDepth = 200;

bool is_one_of(const char* name, std::initializer_list<const char*> names) {
  return std::any_of(names.begin(), names.end(),
                     [name](const char* n) { return std::strcmp(name, n) == 0; });
}

// Collects text with HTML's whitespace rules: runs of space collapse, blocks break lines.
class TextBuilder {
 public:
  void text(std::string_view s, bool pre) {
    for (char c : s) {
      const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
      if (pre) {
        out_ += c == '\r' ? '\n' : c;
      } else if (space) {
        if (!out_.empty() && out_.back() != ' ' && out_.back() != '\n') out_ += ' ';
      } else {
        out_ += c;
      }
    }
  }
  void raw(std::string_view s) { out_ += s; }
  void line_break() {
    trim_space();
    out_ += '\n';
  }
  void block_break(bool blank) {
    trim_space();
    if (out_.empty()) return;
    if (out_.back() != '\n') out_ += '\n';
    if (blank && (out_.size() < 2 || out_[out_.size() - 2] != '\n')) out_ += '\n';
  }
  std::string take() { return std::move(out_); }
  std::string_view view() const { return out_; }

 private:
  void trim_space() {
    while (!out_.empty() && out_.back() == ' ') out_.pop_back();
  }
  std::string out_;
};

std::string attribute(xmlNode* node, const char* name) {
  std::unique_ptr<xmlChar, decltype(xmlFree)> value(
      xmlGetProp(node, reinterpret_cast<const xmlChar*>(name)), xmlFree);
  return value ? reinterpret_cast<const char*>(value.get()) : "";
}

void render(xmlNode* node, TextBuilder& out, bool pre, int depth);

void render_children(xmlNode* node, TextBuilder& out, bool pre, int depth) {
  for (xmlNode* child = node->children; child; child = child->next)
    render(child, out, pre, depth + 1);
}

void render(xmlNode* node, TextBuilder& out, bool pre, int depth) {
  if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
    if (node->content) out.text(reinterpret_cast<const char*>(node->content), pre);
    return;
  }
  if (node->type != XML_ELEMENT_NODE) {
    if (node->type == XML_DOCUMENT_NODE || node->type == XML_HTML_DOCUMENT_NODE)
      render_children(node, out, pre, depth);
    return;
  }
  if (depth > kMaxDepth) return;
  const char* name = reinterpret_cast<const char*>(node->name);
  if (is_one_of(name, {"script", "style", "head", "title", "template", "noscript"})) return;
  if (std::strcmp(name, "br") == 0) return out.line_break();
  if (std::strcmp(name, "hr") == 0) {
    out.block_break(false);
    out.raw("----\n");
    return;
  }
  if (std::strcmp(name, "img") == 0) {
    if (auto alt = attribute(node, "alt"); !alt.empty()) out.text(alt, false);
    return;
  }
  if (std::strcmp(name, "blockquote") == 0) {
    // Quoted history keeps its "> " marks, so that a reply's quote can be trimmed like plain text.
    TextBuilder inner;
    render_children(node, inner, pre, depth);
    std::string quoted = inner.take();
    while (!quoted.empty() && (quoted.back() == '\n' || quoted.back() == ' ')) quoted.pop_back();
    out.block_break(false);
    std::size_t pos = 0;
    while (pos <= quoted.size() && !quoted.empty()) {
      auto end = quoted.find('\n', pos);
      if (end == std::string::npos) end = quoted.size();
      out.raw("> ");
      out.raw(std::string_view(quoted).substr(pos, end - pos));
      out.raw("\n");
      pos = end + 1;
    }
    return;
  }
  const bool paragraph =
      is_one_of(name, {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "ul", "ol", "dl"});
  const bool block = paragraph || is_one_of(name, {"div", "section", "article", "header", "footer",
                                                   "tr", "address", "center", "form", "fieldset",
                                                   "main", "nav", "aside", "dt", "dd"});
  if (block) out.block_break(paragraph);
  if (std::strcmp(name, "li") == 0) {
    out.block_break(false);
    out.raw("- ");
  }
  if (is_one_of(name, {"td", "th"}) && !out.view().empty() && out.view().back() != '\n')
    out.raw("  ");
  render_children(node, out, pre || std::strcmp(name, "pre") == 0, depth);
  if (std::strcmp(name, "a") == 0) {
    const std::string href = attribute(node, "href");
    const bool web = href.rfind("http://", 0) == 0 || href.rfind("https://", 0) == 0;
    if (web && out.view().find(href) == std::string_view::npos) {
      out.raw(" (");
      out.raw(href);
      out.raw(")");
    }
  }
  if (block || std::strcmp(name, "li") == 0) out.block_break(paragraph);
}

// Trims trailing spaces of each line, collapses runs of blank lines, trims the whole.
std::string tidy(std::string_view text) {
  std::string out;
  int newlines = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(pos, end - pos);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r'))
      line.remove_suffix(1);
    if (line.empty()) {
      ++newlines;
    } else {
      if (!out.empty()) out.append(newlines == 0 ? 1 : 2, '\n');
      out += line;
      newlines = 0;
    }
    pos = end + 1;
  }
  return out;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  for (std::size_t pos = 0; pos <= text.size();) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

// "On <date>, <name> wrote:" and its translations; may span two lines in Gmail.
bool is_attribution(std::string_view line) {
  static const std::regex kAttribution(
      R"(^(On\s.+\bwrote|Am\s.+\bschrieb.*|Le\s.+\ba\s+écrit|Den\s.+\bskrev.*|El\s.+\bescribió|Il\s.+\bha\s+scritto|Op\s.+\bschreef.*)\s*:$)",
      std::regex::icase | std::regex::optimize);
  return line.size() < 400 && std::regex_match(line.begin(), line.end(), kAttribution);
}

// The first line of Outlook's header block: "From: ..." followed by "Sent:"/"Date:".
bool is_outlook_header(const std::vector<std::string_view>& lines, std::size_t i) {
  static constexpr std::array kFrom{"From:", "Von:", "Från:", "De :", "De:", "Fra:"};
  static constexpr std::array kSent{
      "Sent:", "Date:", "Gesendet:", "Datum:", "Skickat:", "Envoyé :", "Envoyé:", "Sendt:"};
  const auto line = trim(lines[i]);
  const bool from = std::any_of(kFrom.begin(), kFrom.end(),
                                [&](const char* p) { return starts_with_ci(line, p); });
  if (!from) return false;
  for (std::size_t j = i + 1; j < lines.size() && j <= i + 2; ++j) {
    const auto next = trim(lines[j]);
    if (std::any_of(kSent.begin(), kSent.end(),
                    [&](const char* p) { return starts_with_ci(next, p); }))
      return true;
  }
  return false;
}

bool is_separator(std::string_view line) {
  line = trim(line);
  if (line.find("Original Message") != std::string_view::npos ||
      line.find("Ursprüngliche Nachricht") != std::string_view::npos ||
      line.find("Originalmeddelande") != std::string_view::npos ||
      line.find("Message d'origine") != std::string_view::npos)
    return line.size() < 80 && line.find("---") != std::string_view::npos;
  return false;
}

}  // namespace

std::string html_to_text(std::string_view html) {
  if (html.empty()) return {};
  constexpr int kOptions =
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NONET;
  std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)> doc(
      htmlReadMemory(html.data(), static_cast<int>(std::min<std::size_t>(html.size(), INT32_MAX)),
                     nullptr, "UTF-8", kOptions),
      &xmlFreeDoc);
  if (!doc) return {};
  TextBuilder out;
  render(reinterpret_cast<xmlNode*>(doc.get()), out, false, 0);
  // A no-break space (&nbsp;, U+00A0) reads as a space in plain text.
  std::string text = out.take();
  for (auto at = text.find("\xc2\xa0"); at != std::string::npos; at = text.find("\xc2\xa0", at))
    text.replace(at, 2, " ");
  return tidy(text);
}

std::string trim_quoted_reply(std::string_view text) {
  const auto lines = split_lines(text);
  std::size_t cut = lines.size();
  for (std::size_t i = 0; i < lines.size() && cut == lines.size(); ++i) {
    const auto line = trim(lines[i]);
    if (is_separator(line) || is_outlook_header(lines, i) || is_attribution(line) ||
        (line.size() >= 20 &&
         std::all_of(line.begin(), line.end(), [](char c) { return c == '_'; })))
      cut = i;
    else if (i + 1 < lines.size() && line.size() > 3 && line.size() < 200 &&
             starts_with_ci(line, "On ") &&
             is_attribution(std::string(line) + " " + std::string(trim(lines[i + 1]))))
      cut = i;
    else if (lines[i] == "-- " || line == "--" || starts_with_ci(line, "Sent from my ") ||
             starts_with_ci(line, "Von meinem ") || starts_with_ci(line, "Skickat från min "))
      cut = i;
  }
  // Trailing quoted lines ("> ...") with nothing of the writer's after them.
  std::size_t end = cut;
  while (end > 0) {
    const auto line = trim(lines[end - 1]);
    if (line.empty() || line.front() == '>')
      --end;
    else
      break;
  }
  std::string kept;
  for (std::size_t i = 0; i < end; ++i) {
    kept += lines[i];
    kept += '\n';
  }
  kept = tidy(kept);
  return kept.empty() ? tidy(text) : kept;
}

}  // namespace hd::mail
