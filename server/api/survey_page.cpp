#include "api/survey_page.hpp"

#include <kainjow/mustache.hpp>

namespace hd::api {
namespace {
using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

// Shared head and styles: system fonts, large touch targets, contrast above 4.5:1.
constexpr const char* kLayout = R"(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2330;line-height:1.5}
main{max-width:36rem;margin:0 auto;padding:1.5rem 1rem}
h1{font-size:1.4rem;margin:0 0 .5rem}
p.ticket{color:#3d4555;margin:0 0 1.25rem}
fieldset{border:1px solid #c5cad3;border-radius:.5rem;margin:0 0 1rem;padding:.75rem 1rem;background:#fff}
legend{font-weight:600;padding:0 .25rem}
.scale{display:flex;flex-wrap:wrap;gap:.4rem;margin-top:.4rem}
.scale label{display:flex;align-items:center;gap:.3rem;border:1px solid #8a93a3;border-radius:.4rem;padding:.45rem .6rem;background:#fff;cursor:pointer}
.hint{font-size:.9rem;color:#3d4555}
textarea{width:100%;box-sizing:border-box;min-height:6rem;border:1px solid #8a93a3;border-radius:.4rem;padding:.5rem;font:inherit}
button{font:inherit;font-weight:600;background:#1a56c4;color:#fff;border:0;border-radius:.5rem;padding:.7rem 1.4rem;cursor:pointer}
.error{background:#fdecea;color:#8a1c12;border:1px solid #e3a49c;border-radius:.5rem;padding:.6rem .8rem}
</style>
</head>
<body>
<main>
{{> content}}
</main>
</body>
</html>
)";

constexpr const char* kForm = R"(<h1>How did we do?</h1>
<p class="ticket">About your request #{{ticket_id}}: {{subject}}{{#agent}} (answered by {{agent}}){{/agent}}</p>
{{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
<form method="post" action="{{action}}">
<fieldset>
<legend>How satisfied are you with the help you received? (required)</legend>
<div class="scale">
{{#csat}}<label><input type="radio" name="csat" value="{{value}}" required{{#checked}} checked{{/checked}}> {{value}} – {{label}}</label>
{{/csat}}</div>
</fieldset>
<fieldset>
<legend>Is your issue resolved? (required)</legend>
<div class="scale">
<label><input type="radio" name="resolved" value="yes" required> Yes</label>
<label><input type="radio" name="resolved" value="no"> No, I still need help</label>
</div>
</fieldset>
{{#ask_nps}}<fieldset>
<legend>How likely are you to recommend us? (optional)</legend>
<p class="hint">0 = not at all likely, 10 = extremely likely</p>
<div class="scale">
{{#nps}}<label><input type="radio" name="nps" value="{{value}}"> {{value}}</label>
{{/nps}}</div>
</fieldset>{{/ask_nps}}
{{#ask_ces}}<fieldset>
<legend>How easy was it to get your issue resolved? (optional)</legend>
<p class="hint">1 = very difficult, 7 = very easy</p>
<div class="scale">
{{#ces}}<label><input type="radio" name="ces" value="{{value}}"> {{value}}</label>
{{/ces}}</div>
</fieldset>{{/ask_ces}}
{{#ask_comment}}<fieldset>
<legend><label for="comment">Anything else you would like to tell us? (optional)</label></legend>
<textarea id="comment" name="comment" maxlength="5000"></textarea>
</fieldset>{{/ask_comment}}
<button type="submit">Send my answer</button>
</form>
)";

constexpr const char* kMessage = R"(<h1>{{title}}</h1>
<p>{{text}}</p>
{{#action}}<form method="post" action="{{action}}"><button type="submit">{{button}}</button></form>{{/action}}
)";

constexpr std::array kCsatLabels{"Very dissatisfied", "Dissatisfied",
                                 "Neither satisfied nor dissatisfied", "Satisfied",
                                 "Very satisfied"};

std::string render_page(const std::string& title, const std::string& content_template,
                        data values) {
  mustache layout{kLayout};
  values.set("title", title);
  values.set("content",
             kainjow::mustache::partial{[content_template] { return content_template; }});
  return layout.render(values);
}

list numbers(int from, int to) {
  list items;
  for (int i = from; i <= to; ++i) items.push_back(data{"value", std::to_string(i)});
  return items;
}

}  // namespace

std::string survey_form_html(const store::SurveyContext& s, const std::string& action,
                             std::optional<int> score, const SurveyOptions& options,
                             const std::string& error) {
  data values;
  values.set("ticket_id", std::to_string(s.ticket.id));
  values.set("subject", s.ticket.subject);
  if (!s.agent_name.empty()) values.set("agent", s.agent_name);
  if (!error.empty()) values.set("error", error);
  values.set("action", action);
  list csat;
  for (int i = 1; i <= 5; ++i) {
    data item{"value", std::to_string(i)};
    item.set("label", kCsatLabels[static_cast<std::size_t>(i - 1)]);
    item.set("checked", score == i ? data::type::bool_true : data::type::bool_false);
    csat.push_back(item);
  }
  values.set("csat", csat);
  values.set("ask_nps", options.ask_nps ? data::type::bool_true : data::type::bool_false);
  values.set("ask_ces", options.ask_ces ? data::type::bool_true : data::type::bool_false);
  values.set("ask_comment", options.ask_comment ? data::type::bool_true : data::type::bool_false);
  values.set("nps", numbers(0, 10));
  values.set("ces", numbers(1, 7));
  return render_page("How did we do? – request #" + std::to_string(s.ticket.id), kForm, values);
}

std::string message_html(const std::string& title, const std::string& text,
                         const std::string& action, const std::string& button) {
  data values;
  values.set("text", text);
  if (!action.empty()) {
    values.set("action", action);
    values.set("button", button);
  }
  data with_title = values;
  with_title.set("title", title);
  return render_page(title, kMessage, with_title);
}

}  // namespace hd::api
