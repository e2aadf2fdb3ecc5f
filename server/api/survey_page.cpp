#include "api/survey_page.hpp"

#include "api/page_layout.hpp"

#include <kainjow/mustache.hpp>

namespace hd::api {
namespace {
using kainjow::mustache::data;
using kainjow::mustache::list;
using kainjow::mustache::mustache;

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

constexpr std::array kCsatLabels{"Very dissatisfied", "Dissatisfied",
                                 "Neither satisfied nor dissatisfied", "Satisfied",
                                 "Very satisfied"};

list numbers(int from, int to) {
  list items;
  for (int i = from; i <= to; ++i) items.push_back(data{"value", std::to_string(i)});
  return items;
}

}  // namespace

std::string survey_form_html(const store::SurveyContext& s, const std::string& action,
                             std::optional<int> score, const domain::SurveySettings& options,
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

}  // namespace hd::api
