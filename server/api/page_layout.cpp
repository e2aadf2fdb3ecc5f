#include "api/page_layout.hpp"

namespace hd::api {
namespace {
using kainjow::mustache::data;
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
input[type=text],input[type=email]{width:100%;box-sizing:border-box;border:1px solid #8a93a3;border-radius:.4rem;padding:.5rem;font:inherit}
.visually-hidden{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
ul.tickets{list-style:none;padding:0}ul.tickets li{background:#fff;border:1px solid #c5cad3;border-radius:.5rem;margin:0 0 .5rem;padding:.6rem .8rem}
.msg{background:#fff;border:1px solid #c5cad3;border-radius:.5rem;padding:.6rem .8rem;margin:0 0 .75rem;white-space:pre-wrap}
.msg.agent{border-left:4px solid #1a56c4}.meta{font-size:.85rem;color:#3d4555;margin:0 0 .3rem}
a{color:#1a56c4}
h1,p,li,.msg,legend{overflow-wrap:anywhere}
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

constexpr const char* kMessage = R"(<h1>{{title}}</h1>
<p>{{text}}</p>
{{#action}}<form method="post" action="{{action}}"><button type="submit">{{button}}</button></form>{{/action}}
)";

}  // namespace

std::string render_page(const std::string& title, const std::string& content_template,
                        data values) {
  mustache layout{kLayout};
  values.set("title", title);
  values.set("content",
             kainjow::mustache::partial{[content_template] { return content_template; }});
  return layout.render(values);
}

std::string message_html(const std::string& title, const std::string& text,
                         const std::string& action, const std::string& button) {
  data values;
  values.set("text", text);
  if (!action.empty()) {
    values.set("action", action);
    values.set("button", button);
  }
  return render_page(title, kMessage, values);
}

http::Response html_response(const http::Request& request, http::beast_http::status status,
                             std::string body) {
  return html_response(request.version(), request.keep_alive(), status, std::move(body));
}

http::Response html_response(unsigned http_version, bool keep_alive,
                             http::beast_http::status status, std::string body) {
  namespace bh = http::beast_http;
  http::Response res{status, http_version};
  res.set(bh::field::content_type, "text/html; charset=utf-8");
  // No scripts, no third parties, no framing; forms post only to us.
  res.set(
      "Content-Security-Policy",
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  res.set(bh::field::cache_control, "no-store");
  res.set("Referrer-Policy", "no-referrer");  // page addresses may carry a token
  res.set("X-Content-Type-Options", "nosniff");
  res.keep_alive(keep_alive);
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

http::Response problem_page(unsigned http_version, bool keep_alive, const http::Problem& p) {
  const char* title = "Sorry";
  switch (p.status) {
    case 400:
    case 422:
      title = "Please check what you sent";
      break;
    case 401:
      title = "Please sign in";
      break;
    case 403:
      title = "This page has expired";
      break;
    case 404:
      title = "Not found";
      break;
    case 409:
      title = "Already done";
      break;
    case 410:
      title = "No longer open";
      break;
    case 429:
      title = "Too many requests";
      break;
    default:
      break;
  }
  auto res = html_response(http_version, keep_alive, http::beast_http::int_to_status(p.status),
                           message_html(title, p.detail));
  for (const auto& [name, value] : p.headers) res.set(name, value);
  return res;
}

}  // namespace hd::api
