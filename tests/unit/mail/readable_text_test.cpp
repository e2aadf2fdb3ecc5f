#include "mail/readable_text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace hd::mail;

TEST_CASE("HTML to text: blocks, breaks, entities, no script or style") {
  CHECK(html_to_text("<p>One</p><p>Two<br>Three</p>") == "One\n\nTwo\nThree");
  CHECK(html_to_text("<div>a &lt;b&gt; &amp; &quot;c&quot;</div>") == "a <b> & \"c\"");
  CHECK(html_to_text("<style>x{}</style><script>y()</script>Text") == "Text");
  CHECK(html_to_text("<ol><li>x</li><li>y</li></ol>") == "- x\n- y");
  CHECK(html_to_text("<a href=\"https://e.example/\">https://e.example/</a>") ==
        "https://e.example/");
  CHECK(html_to_text("<a href=\"javascript:alert(1)\">click</a>") == "click");
  CHECK(html_to_text("<blockquote>quoted<br>more</blockquote>") == "> quoted\n> more");
  CHECK(html_to_text("<pre>  keep\n  spaces</pre>") == "  keep\n  spaces");
  CHECK(html_to_text("") == "");
  CHECK(html_to_text("<p>unclosed <b>bold") == "unclosed bold");
}

TEST_CASE("deeply nested HTML does not exhaust the stack") {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "deep";
  CHECK(html_to_text(html).size() < 10);
}

TEST_CASE("quoted history and signatures are trimmed, never to nothing") {
  CHECK(trim_quoted_reply("Thanks!\n\nOn Mon, 23 Nov 2026 at 09:00, Help <h@e.com> wrote:\n> x") ==
        "Thanks!");
  CHECK(trim_quoted_reply(
            "Thanks!\n\nOn Mon, 23 Nov 2026 at 09:00, Help Desk\n<h@e.com> wrote:\n> x") ==
        "Thanks!");
  CHECK(trim_quoted_reply("Danke\n\nAm 23.11.2026 um 09:00 schrieb Help <h@e.com>:\n> x") ==
        "Danke");
  CHECK(trim_quoted_reply("Tack\n\nDen 23 nov. 2026 skrev Help <h@e.com>:\n> x") == "Tack");
  CHECK(trim_quoted_reply("Fine\n-- \nJohn Doe\nACME") == "Fine");
  CHECK(trim_quoted_reply("Fine\n\nSent from my iPhone") == "Fine");
  CHECK(trim_quoted_reply("ok\n________________________________\nFrom: x\nSent: y\n") == "ok");
  CHECK(trim_quoted_reply("Top\n> quoted\n> more\n") == "Top");
  CHECK(trim_quoted_reply("> only a quote") == "> only a quote");
  CHECK(trim_quoted_reply("Inline:\n> question\nanswer") == "Inline:\n> question\nanswer");
}
