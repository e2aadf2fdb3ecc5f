#include "mail/templates.hpp"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <stdexcept>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "mail/message.hpp"

namespace hd::mail {
namespace {

namespace mm = kainjow::mustache;

// The templates. In HTML every value goes through {{ }}, which escapes & < > " '; no template
// uses {{{ }}}. The text templates render with escaping switched off: they are plain text.
// Layout and styles are partials ({{> p}} opens a paragraph...), so each template reads as one
// piece. Colours meet WCAG AA on white: body #111827 (17:1), muted #4b5563 (7.6:1), links
// #1d4ed8 (6.7:1), buttons white on #1d4ed8 (6.7:1). Kainjow leaves an empty line where a
// false section stood alone on its lines, so sections open at the start of their first line of
// text and close at the start of the line after it.

constexpr const char* kHtmlHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>{{title}}</title>
</head>
<body style="margin:0;padding:0;background-color:#f3f4f6;">
<div style="max-width:600px;margin:0 auto;padding:24px 16px;background-color:#ffffff;color:#111827;font-family:Arial,Helvetica,sans-serif;font-size:16px;line-height:1.5;">
)";

constexpr const char* kHtmlFoot = R"(</div>
</body>
</html>
)";

constexpr const char* kParagraph = R"(<p style="margin:0 0 16px;">)";
constexpr const char* kMuted = R"(<p style="margin:24px 0 0;font-size:14px;color:#4b5563;">)";
constexpr const char* kLinkStyle = R"(style="color:#1d4ed8;text-decoration:underline;")";
constexpr const char* kButtonStyle =
    R"(style="display:inline-block;padding:12px 20px;border-radius:6px;background-color:#1d4ed8;color:#ffffff;font-weight:bold;text-decoration:none;")";

// --- ticket received --------------------------------------------------------------------------

constexpr const char* kReceivedText = R"(Hello{{#has_name}} {{customer_name}}{{/has_name}},

we have received your request "{{subject}}" and filed it as ticket #{{ticket_id}}.
An agent will answer you as soon as possible.

To add something, reply to this mail and keep [#{{ticket_id}}] in the subject.

{{#has_portal}}Follow your ticket online:
{{portal_url}}
{{/has_portal}})";

constexpr const char* kReceivedHtml =
    R"({{> head}}{{> p}}Hello{{#has_name}} {{customer_name}}{{/has_name}},</p>
{{> p}}we have received your request <strong>{{subject}}</strong> and filed it as ticket #{{ticket_id}}. An agent will answer you as soon as possible.</p>
{{> p}}To add something, reply to this mail and keep [#{{ticket_id}}] in the subject.</p>
{{#has_portal}}<p style="margin:24px 0;"><a href="{{portal_url}}" {{> button_style}}>Follow your ticket online</a></p>
{{> muted}}If the button does not work, copy this address into your browser:<br><a href="{{portal_url}}" {{> link_style}}>{{portal_url}}</a></p>
{{/has_portal}}{{> foot}})";

// --- agent reply ------------------------------------------------------------------------------

constexpr const char* kReplyText = R"({{body}}

-- 
{{agent_name}}

Reply to this mail to answer; your reply is added to ticket #{{ticket_id}}.
{{#has_portal}}The whole conversation: {{portal_url}}
{{/has_portal}})";

constexpr const char* kReplyHtml = R"({{> head}}{{#paragraphs}}
{{> p}}{{#lines}}{{^first}}<br>
{{/first}}{{line}}{{/lines}}</p>
{{/paragraphs}}
<p style="margin:24px 0 0;">{{agent_name}}</p>
{{> muted}}Reply to this mail to answer; your reply is added to ticket #{{ticket_id}}.{{#has_portal}}<br>
<a href="{{portal_url}}" {{> link_style}}>See the whole conversation</a>{{/has_portal}}</p>
{{> foot}})";

// --- satisfaction check and reminder ----------------------------------------------------------

constexpr const char* kSurveyText = R"(Hello{{#has_name}} {{customer_name}}{{/has_name}},

{{#reminder}}a few days ago we asked how you liked the help with your request #{{ticket_id}} "{{subject}}". We would still value your answer; it takes one click.
{{/reminder}}{{^reminder}}your request #{{ticket_id}} "{{subject}}" has been resolved.
{{/reminder}}

How satisfied are you with the help you received? Open the link of your answer:

{{#ratings}}
{{score}} - {{label}}: {{url}}
{{/ratings}}

If your issue is not solved, reply to this mail and we will look at it again.

{{#has_portal}}Your ticket: {{portal_url}}

{{/has_portal}}{{#has_opt_out}}You get this mail because you asked us for help. To receive no more surveys:
{{opt_out_url}}
{{/has_opt_out}})";

constexpr const char* kSurveyHtml =
    R"({{> head}}{{> p}}Hello{{#has_name}} {{customer_name}}{{/has_name}},</p>
{{#reminder}}{{> p}}a few days ago we asked how you liked the help with your request #{{ticket_id}} <strong>{{subject}}</strong>. We would still value your answer; it takes one click.</p>
{{/reminder}}{{^reminder}}{{> p}}your request #{{ticket_id}} <strong>{{subject}}</strong> has been resolved.</p>
{{/reminder}}<h1 style="margin:24px 0 12px;font-size:18px;line-height:1.4;">How satisfied are you with the help you received?</h1>
{{#ratings}}
<p style="margin:0 0 8px;"><a href="{{url}}" style="display:block;padding:12px 16px;border-radius:6px;background-color:#1d4ed8;color:#ffffff;font-weight:bold;text-decoration:none;text-align:center;">{{score}} &ndash; {{label}}</a></p>
{{/ratings}}
<p style="margin:24px 0 16px;">If your issue is not solved, reply to this mail and we will look at it again.</p>
{{#has_portal}}{{> p}}<a href="{{portal_url}}" {{> link_style}}>See your ticket</a></p>
{{/has_portal}}{{#has_opt_out}}{{> muted}}You get this mail because you asked us for help. <a href="{{opt_out_url}}" {{> link_style}}>Receive no more surveys</a></p>
{{/has_opt_out}}{{> foot}})";

// --- magic link -------------------------------------------------------------------------------

constexpr const char* kMagicText = R"(Hello{{#has_name}} {{customer_name}}{{/has_name}},

open this link to see your support requests:
{{link_url}}

{{#has_valid_for}}The link is valid for {{valid_for}}.

{{/has_valid_for}}If you did not ask for it, you can ignore this mail.
)";

constexpr const char* kMagicHtml =
    R"({{> head}}{{> p}}Hello{{#has_name}} {{customer_name}}{{/has_name}},</p>
{{> p}}open this link to see your support requests.</p>
<p style="margin:24px 0;"><a href="{{link_url}}" {{> button_style}}>See your requests</a></p>
{{#has_valid_for}}{{> p}}The link is valid for {{valid_for}}.</p>
{{/has_valid_for}}{{> muted}}If you did not ask for it, you can ignore this mail. If the button does not work, copy this address into your browser:<br><a href="{{link_url}}" {{> link_style}}>{{link_url}}</a></p>
{{> foot}})";

// --- agent notification -----------------------------------------------------------------------

constexpr const char* kNotifyText = R"(Hello{{#has_agent}} {{agent_name}}{{/has_agent}},

{{customer}} was not satisfied with the resolution of ticket #{{ticket_id}} "{{subject}}"{{#has_score}} (rating {{score}} of 5: {{label}}){{/has_score}}. The ticket is open again.

{{#has_comment}}Their comment:

{{#comment_lines}}
> {{line}}
{{/comment_lines}}

{{/has_comment}}{{#has_ticket_url}}Open the ticket: {{ticket_url}}
{{/has_ticket_url}})";

constexpr const char* kNotifyHtml =
    R"({{> head}}{{> p}}Hello{{#has_agent}} {{agent_name}}{{/has_agent}},</p>
{{> p}}{{customer}} was not satisfied with the resolution of ticket #{{ticket_id}} <strong>{{subject}}</strong>{{#has_score}} (rating {{score}} of 5: {{label}}){{/has_score}}. The ticket is open again.</p>
{{#has_comment}}{{> p}}Their comment:</p>
<blockquote style="margin:0 0 16px;padding:8px 16px;border-left:4px solid #6b7280;color:#111827;">
{{#paragraphs}}
<p style="margin:0 0 8px;">{{#lines}}{{^first}}<br>
{{/first}}{{line}}{{/lines}}</p>
{{/paragraphs}}
</blockquote>
{{/has_comment}}{{#has_ticket_url}}<p style="margin:24px 0;"><a href="{{ticket_url}}" {{> button_style}}>Open ticket #{{ticket_id}}</a></p>
{{/has_ticket_url}}{{> foot}})";

constexpr const char* kSlaText = R"(Hello {{agent_name}},

Ticket #{{ticket_id}} "{{subject}}" {{#breach}}missed its {{target}} target: it was due {{due}}.{{/breach}}{{^breach}}is close to its {{target}} target: it is due {{due}}.{{/breach}}

{{#has_ticket_url}}Open the ticket: {{ticket_url}}
{{/has_ticket_url}})";

constexpr const char* kSlaHtml =
    R"({{> head}}{{> p}}Hello {{agent_name}},</p>
{{> p}}Ticket #{{ticket_id}} <strong>{{subject}}</strong> {{#breach}}missed its {{target}} target: it was due {{due}}.{{/breach}}{{^breach}}is close to its {{target}} target: it is due {{due}}.{{/breach}}</p>
{{#has_ticket_url}}<p style="margin:24px 0;"><a href="{{ticket_url}}" {{> button_style}}>Open ticket #{{ticket_id}}</a></p>
{{/has_ticket_url}}{{> foot}})";

// --- rendering --------------------------------------------------------------------------------

/// The layout and style partials, by name.
constexpr std::pair<std::string_view, const char*> kPartials[] = {
    {"head", kHtmlHead}, {"foot", kHtmlFoot},        {"p", kParagraph},
    {"muted", kMuted},   {"link_style", kLinkStyle}, {"button_style", kButtonStyle}};

/// `source` with each `{{> name}}` replaced by that partial's text. No partial tag of these
/// templates stands alone on its line, and Mustache renders a partial that does not as if its
/// text stood in the tag's place: inlined once, a partial is not parsed again on every use.
std::string inline_partials(std::string_view source) {
  std::string out;
  for (std::size_t at = 0;;) {
    const auto tag = source.find("{{> ", at);
    if (tag == std::string_view::npos) return out.append(source.substr(at));
    const auto end = source.find("}}", tag);
    const auto name = source.substr(tag + 4, end - tag - 4);
    const auto* partial = std::find_if(std::begin(kPartials), std::end(kPartials),
                                       [&](const auto& p) { return p.first == name; });
    if (partial == std::end(kPartials))
      throw std::logic_error("mail template: no partial " + std::string(name));
    out.append(source.substr(at, tag - at)).append(partial->second);
    at = end + 2;
  }
}

std::string render(const char* source, const mm::data& values, bool html) {
  // Parsed once per thread (job workers render side by side), partials inlined: parsing the
  // template and each partial again for every mail was most of the work of sending one. Each
  // source is either text or HTML.
  thread_local std::unordered_map<const char*, mm::mustache> parsed;
  auto it = parsed.find(source);
  if (it == parsed.end()) {
    it = parsed.emplace(source, mm::mustache(inline_partials(source))).first;
    if (!html) it->second.set_custom_escape([](const std::string& s) { return s; });
  }
  auto& tmpl = it->second;
  auto out = tmpl.render(values);
  // A template is a constant of this file: an error in it is a bug, caught by the unit tests.
  if (!tmpl.is_valid()) throw std::logic_error("mail template: " + tmpl.error_message());
  return out;
}

/// The values every template may use: the document title (the layout is inlined).
mm::data base_values(const std::string& title) {
  mm::data values;
  values.set("title", title);
  return values;
}

/// `text` without leading and trailing blank lines and trailing space; inner lines untouched.
std::string trim_blank(const std::string& text) {
  const auto first_text = text.find_first_not_of(" \t\r\n");
  if (first_text == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  // Keep the indentation of the first line: start after the line break before it.
  const auto line_break = text.rfind('\n', first_text);
  const auto first = line_break == std::string::npos ? 0 : line_break + 1;
  return text.substr(first, last + 1 - first);
}

/// Plain text as paragraphs (split at blank lines) of lines, for HTML: each line is a value
/// that {{ }} escapes, joined by <br> in the template. "\r\n" counts as "\n".
mm::data paragraphs_of(const std::string& text) {
  mm::data paragraphs{mm::data::type::list};
  mm::data lines{mm::data::type::list};
  auto flush = [&] {
    if (lines.list_value().empty()) return;
    mm::data paragraph;
    paragraph.set("lines", lines);
    paragraphs.push_back(paragraph);
    lines = mm::data{mm::data::type::list};
  };
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) {
      flush();
    } else {
      mm::data item;
      item.set("line", line);
      item.set("first", lines.list_value().empty());
      lines.push_back(item);
    }
    start = end + 1;
  }
  flush();
  return paragraphs;
}

/// Plain text as a list of lines, for quoting in a text part.
mm::data lines_of(const std::string& text) {
  mm::data lines{mm::data::type::list};
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(mm::data{"line", mm::data{line}});
    start = end + 1;
  }
  return lines;
}

RenderedMail finish(const char* text_source, const char* html_source, const mm::data& values,
                    std::string subject) {
  RenderedMail out;
  out.subject = std::move(subject);
  out.text = render(text_source, values, false);
  // An optional last block leaves the blank line before it behind: end on one line break.
  out.text.erase(out.text.find_last_not_of(" \n") + 1);
  out.text += '\n';
  out.html = render(html_source, values, true);
  return out;
}

RenderedMail render_survey(const SurveyInvitation& in, bool reminder) {
  const auto subject = ticket_subject(in.ticket_id, in.subject);
  auto values = base_values(subject);
  values.set("ticket_id", std::to_string(in.ticket_id));
  values.set("subject", sanitize_header_value(in.subject));
  values.set("has_name", !in.customer_name.empty());
  values.set("customer_name", in.customer_name);
  values.set("reminder", reminder);
  mm::data ratings{mm::data::type::list};
  for (int score = 1; score <= 5; ++score) {
    mm::data rating;
    rating.set("score", std::to_string(score));
    rating.set("label", std::string(kRatingLabels[score - 1]));
    rating.set("url", rating_url(in.survey_url, score));
    ratings.push_back(rating);
  }
  values.set("ratings", ratings);
  values.set("has_portal", !in.portal_url.empty());
  values.set("portal_url", in.portal_url);
  values.set("has_opt_out", !in.opt_out_url.empty());
  values.set("opt_out_url", in.opt_out_url);
  auto out = finish(kSurveyText, kSurveyHtml, values, subject);
  out.headers = {{"Auto-Submitted", "auto-generated"}};
  if (!in.opt_out_url.empty())
    out.headers.emplace_back("List-Unsubscribe", "<" + in.opt_out_url + ">");
  return out;
}

}  // namespace

std::string rating_url(const std::string& url, int score) {
  const auto fragment = url.find('#');
  auto base = url.substr(0, fragment);
  const char separator = base.find('?') == std::string::npos          ? '?'
                         : (base.back() == '?' || base.back() == '&') ? '\0'
                                                                      : '&';
  if (separator) base += separator;
  base += "score=" + std::to_string(score);
  if (fragment != std::string::npos) base += url.substr(fragment);
  return base;
}

RenderedMail render_ticket_received(const TicketReceived& in) {
  const auto subject = ticket_subject(in.ticket_id, in.subject);
  auto values = base_values(subject);
  values.set("ticket_id", std::to_string(in.ticket_id));
  values.set("subject", sanitize_header_value(in.subject));
  values.set("has_name", !in.customer_name.empty());
  values.set("customer_name", in.customer_name);
  values.set("has_portal", !in.portal_url.empty());
  values.set("portal_url", in.portal_url);
  auto out = finish(kReceivedText, kReceivedHtml, values, subject);
  out.headers = {{"Auto-Submitted", "auto-replied"}};
  return out;
}

RenderedMail render_agent_reply(const AgentReply& in) {
  const auto subject = ticket_subject(in.ticket_id, in.subject);
  auto values = base_values(subject);
  values.set("ticket_id", std::to_string(in.ticket_id));
  values.set("agent_name", in.agent_name);
  const auto body = trim_blank(in.body);
  values.set("body", body);
  values.set("paragraphs", paragraphs_of(body));
  values.set("has_portal", !in.portal_url.empty());
  values.set("portal_url", in.portal_url);
  return finish(kReplyText, kReplyHtml, values, subject);
}

RenderedMail render_satisfaction_check(const SurveyInvitation& in) {
  return render_survey(in, false);
}

RenderedMail render_survey_reminder(const SurveyInvitation& in) {
  return render_survey(in, true);
}

RenderedMail render_magic_link(const MagicLink& in) {
  const std::string subject = "Your link to your support requests";
  auto values = base_values(subject);
  values.set("has_name", !in.customer_name.empty());
  values.set("customer_name", in.customer_name);
  values.set("link_url", in.link_url);
  values.set("has_valid_for", !in.valid_for.empty());
  values.set("valid_for", in.valid_for);
  auto out = finish(kMagicText, kMagicHtml, values, subject);
  out.headers = {{"Auto-Submitted", "auto-generated"}};
  return out;
}

RenderedMail render_agent_notification(const AgentNotification& in) {
  const auto subject = ticket_subject(in.ticket_id, "Reopened: " + in.subject);
  auto values = base_values(subject);
  values.set("ticket_id", std::to_string(in.ticket_id));
  values.set("subject", sanitize_header_value(in.subject));
  values.set("has_agent", !in.agent_name.empty());
  values.set("agent_name", in.agent_name);
  values.set("customer", in.customer_name.empty() ? std::string("The customer") : in.customer_name);
  const bool has_score = in.score && *in.score >= 1 && *in.score <= 5;
  values.set("has_score", has_score);
  if (has_score) {
    values.set("score", std::to_string(*in.score));
    values.set("label", std::string(kRatingLabels[*in.score - 1]));
  }
  const auto comment = trim_blank(in.comment);
  values.set("has_comment", !comment.empty());
  values.set("comment_lines", lines_of(comment));
  values.set("paragraphs", paragraphs_of(comment));
  values.set("has_ticket_url", !in.ticket_url.empty());
  values.set("ticket_url", in.ticket_url);
  auto out = finish(kNotifyText, kNotifyHtml, values, subject);
  out.headers = {{"Auto-Submitted", "auto-generated"}};
  return out;
}

RenderedMail render_sla_alert(const SlaAlert& in) {
  const std::string target = in.target == "first_response" ? "first response"
                             : in.target == "next_reply"   ? "next reply"
                                                           : "resolution";
  const auto subject =
      ticket_subject(in.ticket_id, (in.breach ? "SLA breached (" : "SLA due soon (") + target +
                                       "): " + in.subject);
  auto values = base_values(subject);
  values.set("ticket_id", std::to_string(in.ticket_id));
  values.set("subject", sanitize_header_value(in.subject));
  values.set("agent_name", in.agent_name);
  values.set("breach", in.breach);
  values.set("target", target);
  values.set("due", in.due);
  values.set("has_ticket_url", !in.ticket_url.empty());
  values.set("ticket_url", in.ticket_url);
  auto out = finish(kSlaText, kSlaHtml, values, subject);
  out.headers = {{"Auto-Submitted", "auto-generated"}};
  return out;
}

}  // namespace hd::mail
