#include "mail/inbound_parse.hpp"

#include <doctest/doctest.h>

#include "api/text_rules.hpp"
#include "mail/header_scan.hpp"

using namespace hd::mail;

namespace {

// Mails as Gmail, Outlook and others write them (line ends CRLF as on the wire).
std::string crlf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kGmailReply = crlf(R"(Delivered-To: support@example.com
MIME-Version: 1.0
References: <ticket-42@example.com> <ticket-42-1000000042@example.com>
In-Reply-To: <ticket-42-1000000042@example.com>
From: =?UTF-8?Q?Ren=C3=A9e_M=C3=BCller?= <Renee.Mueller@Gmail.com>
Date: Mon, 23 Nov 2026 10:15:02 +0100
Message-ID: <CAF=abc123+XyZ@mail.gmail.com>
Subject: Re: [#42] Drucker druckt nicht
To: Helpdesk <help@example.com>
Cc: Boss <boss@example.org>, "Smith, Ann" <ann@example.org>
Content-Type: multipart/alternative; boundary="000000000000a1b2c3"

--000000000000a1b2c3
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Danke, jetzt geht es wieder! Gr=C3=BC=C3=9Fe

On Mon, Nov 23, 2026 at 9:00 AM Helpdesk <help@example.com> wrote:

> Hello Ren=C3=A9e,
> please restart the printer.
>

--000000000000a1b2c3
Content-Type: text/html; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

<div dir=3D"ltr">Danke, jetzt geht es wieder! Gr=C3=BC=C3=9Fe</div><br><div =
class=3D"gmail_quote">On Mon wrote:<blockquote>Hello</blockquote></div>

--000000000000a1b2c3--
)");

const std::string kOutlookReply = crlf(R"(From: "Svensson, Karl" <karl.svensson@example.se>
To: "help@example.com" <help@example.com>
Subject: SV: [#7] Faktura saknas
Date: Tue, 24 Nov 2026 08:01:00 +0000
Message-ID: <AM0PR01MB1234ABCD@eurprd01.prod.outlook.com>
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Hej, fakturan =E4r nu betald. Tack f=F6r hj=E4lpen.

Med v=E4nliga h=E4lsningar
Karl

-----Original Message-----
From: Helpdesk <help@example.com>
Sent: Monday, November 23, 2026 5:00 PM
To: Svensson, Karl <karl.svensson@example.se>
Subject: [#7] Faktura saknas

Your invoice is missing.
)");

const std::string kHtmlOnly = crlf(R"(From: shop@example.net
To: help@example.com
Subject: =?ISO-8859-1?Q?Bestellung_f=FCr_M=FCnchen?=
Message-ID: <html-only-1@example.net>
MIME-Version: 1.0
Content-Type: text/html; charset=windows-1252

<html><head><style>p{color:red}</style><script>alert(1)</script></head>
<body><h1>Order&nbsp;status</h1><p>Dear team,<br>my order &amp; invoice are missing.</p>
<ul><li>Order 1</li><li>Order 2</li></ul>
<p>See <a href="https://shop.example.net/o/1">the order page</a>. Price: 5 &euro; &#8211; thanks</p>
</body></html>
)");

const std::string kMultipartWithAttachment = crlf(R"(From: Taro <taro@example.jp>
To: help@example.com
Subject: =?ISO-2022-JP?B?GyRCJCpMZCQkOWckbyQ7GyhC?=
Message-ID: <attach-1@example.jp>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="XX"

--XX
Content-Type: text/plain; charset=ISO-2022-JP
Content-Transfer-Encoding: 7bit

)") + "\x1b$B$3$s$K$A$O\x1b(B" + crlf(R"(
--XX
Content-Type: application/pdf; name="invoice.pdf"
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K
--XX
Content-Type: image/png; name="=?UTF-8?B?QmlsZCDDvGJlci5wbmc=?="
Content-Disposition: inline
Content-Transfer-Encoding: base64

iVBORw0KGgo=
--XX--
)");

const std::string kOutOfOffice = crlf(R"(From: Anna <anna@example.de>
To: help@example.com
Subject: Automatische Antwort: [#9] Zugang gesperrt
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
Message-ID: <ooo-1@example.de>
Content-Type: text/plain; charset=utf-8

Ich bin bis Montag nicht im Büro.
)");

const std::string kBounce = crlf(R"(From: Mail Delivery System <MAILER-DAEMON@mx.example.com>
To: help@example.com
Subject: Undelivered Mail Returned to Sender
Auto-Submitted: auto-replied
Message-ID: <bounce-1@mx.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not be delivered.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.com
Arrival-Date: Mon, 23 Nov 2026 10:00:00 +0000

Final-Recipient: rfc822; Gone@Example.org
Original-Recipient: rfc822;gone@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown

--B1
Content-Type: text/rfc822-headers

From: Helpdesk <help@example.com>
To: gone@example.org
Subject: [#5] How did we do?
Message-ID: <ticket-5-3000000001@example.com>

--B1--
)");

}  // namespace

TEST_CASE("a Gmail reply: RFC 2047 sender, threading headers, CCs, quoted history trimmed") {
  const auto m = parse_mail(kGmailReply);
  CHECK(m.message_id == "<CAF=abc123+XyZ@mail.gmail.com>");
  CHECK(m.in_reply_to == "<ticket-42-1000000042@example.com>");
  REQUIRE(m.references.size() == 2);
  CHECK(m.references[0] == "<ticket-42@example.com>");
  CHECK(m.from.address == "renee.mueller@gmail.com");
  CHECK(m.from.name == "Renée Müller");
  REQUIRE(m.cc.size() == 2);
  CHECK(m.cc[1].address == "ann@example.org");
  CHECK(m.cc[1].name == "Smith, Ann");
  CHECK(m.subject == "Re: [#42] Drucker druckt nicht");
  CHECK_FALSE(m.html_only);
  CHECK(m.text.find("> please restart the printer.") != std::string::npos);
  CHECK(m.display_text == "Danke, jetzt geht es wieder! Grüße");
  CHECK_FALSE(m.auto_reply);
  CHECK_FALSE(m.bounce);
  CHECK(subject_ticket_id(m.subject) == 42);
  CHECK(strip_reply_prefixes(m.subject) == "Drucker druckt nicht");
}

TEST_CASE("an Outlook reply in ISO-8859-1: SV: prefix, Original Message block trimmed") {
  const auto m = parse_mail(kOutlookReply);
  CHECK(m.from.address == "karl.svensson@example.se");
  CHECK(m.from.name == "Svensson, Karl");
  CHECK(m.in_reply_to.empty());
  CHECK(m.references.empty());
  CHECK(m.text.find("Hej, fakturan är nu betald. Tack för hjälpen.") == 0);
  CHECK(m.display_text ==
        "Hej, fakturan är nu betald. Tack för hjälpen.\n\nMed vänliga hälsningar\nKarl");
  CHECK(subject_ticket_id(m.subject) == 7);
  CHECK(strip_reply_prefixes("SV: AW: RE[2]: Re: [#7] Faktura saknas") == "Faktura saknas");
}

TEST_CASE("Outlook's From/Sent header block without a separator line is trimmed too") {
  const auto m =
      parse_mail(crlf("From: a@example.com\nTo: b@example.com\nSubject: AW: Test\n"
                      "Content-Type: text/plain; charset=utf-8\n\n"
                      "Passt so.\n\nVon: Helpdesk <help@example.com>\n"
                      "Gesendet: Montag, 23. November 2026 17:00\nAn: a@example.com\n"
                      "Betreff: Test\n\nAlte Nachricht\n"));
  CHECK(m.display_text == "Passt so.");
}

TEST_CASE("an HTML-only mail in windows-1252 becomes readable text") {
  const auto m = parse_mail(kHtmlOnly);
  CHECK(m.html_only);
  CHECK(m.subject == "Bestellung für München");
  CHECK(m.from.address == "shop@example.net");
  CHECK(m.text.find("alert") == std::string::npos);
  CHECK(m.text.find("color") == std::string::npos);
  CHECK(m.text.find("Order status") == 0);
  CHECK(m.text.find("Dear team,\nmy order & invoice are missing.") != std::string::npos);
  CHECK(m.text.find("- Order 1\n- Order 2") != std::string::npos);
  CHECK(m.text.find("the order page (https://shop.example.net/o/1)") != std::string::npos);
  CHECK(m.text.find("5 € – thanks") != std::string::npos);
}

TEST_CASE("multipart with attachments in ISO-2022-JP: text decoded, attachments listed") {
  const auto m = parse_mail(kMultipartWithAttachment);
  CHECK(m.subject == "お問い合わせ");
  CHECK(m.text.find("こんにちは") == 0);
  REQUIRE(m.attachments.size() == 2);
  CHECK(m.attachments[0].filename == "invoice.pdf");
  CHECK(m.attachments[0].content_type == "application/pdf");
  CHECK(m.attachments[0].size > 20);
  CHECK(m.attachments[1].filename == "Bild über.png");
  CHECK(m.attachments[1].content_type == "image/png");
}

TEST_CASE("auto-replies are recognised by RFC 3834 and the usual headers and subjects") {
  CHECK(parse_mail(kOutOfOffice).auto_reply);
  auto with = [](std::string headers) {
    return parse_mail(
        crlf("From: x@example.com\nTo: help@example.com\nSubject: Hello\n" + headers + "\nbody\n"));
  };
  CHECK_FALSE(with("Auto-Submitted: no\n").auto_reply);
  CHECK(with("Auto-Submitted: auto-generated\n").auto_reply);
  CHECK(with("X-Autoreply: yes\n").auto_reply);
  CHECK(with("Precedence: bulk\n").auto_reply);
  CHECK(with("Precedence: auto_reply\n").auto_reply);
  CHECK_FALSE(with("Precedence: first-class\n").auto_reply);
  const auto ooo =
      parse_mail(crlf("From: x@example.com\nSubject: Out of Office: Re: [#3] Hi\n\nAway\n"));
  CHECK(ooo.auto_reply);
  CHECK(ooo.auto_reply_reason == "out-of-office subject");
  CHECK_FALSE(
      parse_mail(crlf("From: x@example.com\nSubject: Re: my office is out of paper\n\nHi\n"))
          .auto_reply);
}

TEST_CASE("a delivery status notification names the failed address and the bounced mail") {
  const auto m = parse_mail(kBounce);
  CHECK(m.bounce);
  CHECK(m.auto_reply);
  REQUIRE(m.bounced_recipients.size() == 1);
  CHECK(m.bounced_recipients[0] == "gone@example.org");
  CHECK(m.bounce_status.find("5.1.1") == 0);
  CHECK(m.bounce_status.find("User unknown") != std::string::npos);
  CHECK(m.original_message_id == "<ticket-5-3000000001@example.com>");
}

TEST_CASE("a delay report is not a bounce, but still automatic") {
  std::string delayed = kBounce;
  delayed.replace(delayed.find("Action: failed"), 14, "Action: delayed");
  const auto m = parse_mail(delayed);
  CHECK_FALSE(m.bounce);
  CHECK(m.auto_reply);
}

TEST_CASE("broken input never throws anything but UnparseableMail, and missing parts stay empty") {
  CHECK_THROWS_AS(parse_mail(""), UnparseableMail);
  const auto m = parse_mail("Subject: only a header\n");
  CHECK(m.from.address.empty());
  CHECK(m.text.empty());
  const auto empty_from = parse_mail(crlf("From: <>\nSubject: x\n\nbody\n"));
  CHECK(empty_from.from.address.empty());
  const auto bad_charset =
      parse_mail(crlf("From: a@example.com\nContent-Type: text/plain; charset=x-unknown-42\n\n"
                      "caf\xe9\n"));
  CHECK(bad_charset.text.find("caf") == 0);
}

TEST_CASE("our Message-IDs name their ticket, for our domain only") {
  CHECK(ticket_in_message_id("<ticket-12@example.com>", "example.com") == 12);
  CHECK(ticket_in_message_id("<ticket-12-1000000044@Example.COM>", "example.com") == 12);
  CHECK_FALSE(ticket_in_message_id("<ticket-12@evil.example>", "example.com"));
  CHECK_FALSE(ticket_in_message_id("<ticket-x@example.com>", "example.com"));
  CHECK_FALSE(ticket_in_message_id("<abc@example.com>", "example.com"));
}

TEST_CASE("subjects: ticket tags and reply markers") {
  CHECK(subject_ticket_id("Re: [#123] Printer") == 123);
  CHECK(subject_ticket_id("Printer [#9]") == 9);
  CHECK_FALSE(subject_ticket_id("[#] nothing [#abc]"));
  CHECK_FALSE(subject_ticket_id("no tag"));
  CHECK(strip_reply_prefixes("Antw: Fwd: Hallo") == "Hallo");
  CHECK(strip_reply_prefixes("Printer [#12] broken") == "Printer broken");
  CHECK(strip_reply_prefixes("Re:") == "");
  CHECK(strip_reply_prefixes("Rechnung: offen") == "Rechnung: offen");
}

TEST_CASE("the header scan finds the Message-ID without parsing the body") {
  CHECK(scan_message_id("Subject: a\r\nMessage-Id:\r\n <x@y>\r\n\r\nMessage-ID: <no@body>\r\n") ==
        "<x@y>");
  CHECK(scan_message_id("Subject: a\n\nMessage-ID: <no@body>\n").empty());
  CHECK(scan_message_id("Message-ID: <has space@y>\n\n").empty());
  CHECK(dedup_key("Message-ID: <k@y>\n\nbody") == "<k@y>");
  const auto key = dedup_key("Subject: none\n\nbody");
  CHECK(key.rfind("sha256:", 0) == 0);
  CHECK(key.size() == 7 + 64);
  CHECK(dedup_key("Subject: none\n\nbody") == key);
  CHECK(dedup_key("Subject: none\n\nbody!") != key);
}

TEST_CASE("bytes in no known charset end as U+FFFD: every text of a parsed mail is UTF-8") {
  // Found by fuzz_inbound_mail: raw 8-bit header and body bytes, no MIME labels, and a
  // delivery-status part with them, once passed through unchanged to whoever read the mail.
  const std::string raw = crlf(
      "From: \xA4\xA4 <ann@example.org>\nSubject: Out of office \xF6\xBE\x8A\x8B\n"
      "Message-ID: <u1@example.org>\n\nbroken \xA4\xA4 text\n");
  const auto mail = parse_mail(raw);
  auto utf8 = [](const std::string& s) { return hd::api::is_valid_utf8(s); };
  CHECK(utf8(mail.subject));
  CHECK(utf8(mail.from.name));
  CHECK(utf8(mail.text));
  CHECK(mail.text.find("broken") != std::string::npos);
  CHECK(mail.text.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD where the bytes were

  const std::string bounce = crlf(
      "From: MAILER-DAEMON@mx.test\nSubject: failed\nMessage-ID: <b@mx.test>\n"
      "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\n\n"
      "--r\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.test\n\n"
      "Final-Recipient: rfc822; gone@customer.test\nAction: failed\nStatus: 5.1.1\n"
      "Diagnostic-Code: smtp; 550 \xA4 unknown\n\n--r--\n");
  const auto dsn = parse_mail(bounce);
  CHECK(dsn.bounce);
  CHECK(utf8(dsn.bounce_status));
}
