-- wrk script: POST /api/v1/mail/inbound with a corpus of realistic mails, each with its own
-- Message-ID (a repeated one would only measure the duplicate check). The corpus, in turn:
-- a plain UTF-8 question, an HTML-only mail in ISO-8859-1, a multipart/mixed mail with a 24 KiB
-- PDF attachment, and an Outlook-style windows-1252 reply with quoted history. Senders come
-- from a pool (BENCH_CUSTOMERS, default 1000), so customers are both created and found.
-- Env: HELPDESK_TOKEN (the bearer secret).

local token = os.getenv("HELPDESK_TOKEN") or error("HELPDESK_TOKEN is not set")
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "1000")

wrk.method = "POST"
wrk.path = "/api/v1/mail/inbound"
wrk.headers["Content-Type"] = "message/rfc822"
wrk.headers["Authorization"] = "Bearer " .. token

local function crlf(s) return (s:gsub("\r?\n", "\r\n")) end

local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local attachment = {}
for line = 1, 320 do
  local chars = {}
  for i = 1, 76 do
    local k = ((line * 31 + i * 17) % 64) + 1
    chars[i] = b64:sub(k, k)
  end
  attachment[line] = table.concat(chars)
end
attachment = table.concat(attachment, "\r\n")

local templates = {
  crlf([[From: Customer %d <bench-%d@example.org>
To: help@support.test
Subject: Login fails after password reset (%s)
Date: Mon, 23 Nov 2026 10:15:02 +0100
Message-ID: %s
MIME-Version: 1.0
Content-Type: text/plain; charset="UTF-8"
Content-Transfer-Encoding: quoted-printable

Hello,

since the password reset this morning I can't log in any more. The page says =
"invalid credentials" although I copied the new password from the mail.
I tried Firefox and Chrome, cleared the cache, no change. Gr=C3=BC=C3=9Fe!

Best regards
]]),
  crlf([[From: bench-%d@example.org
To: help@support.test
Subject: =?ISO-8859-1?Q?Bestellung_f=FCr_M=FCnchen?= %d %s
Message-ID: %s
MIME-Version: 1.0
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable

<html><head><style>p{font-family:Arial}</style></head><body>
<p>Guten Tag,</p><p>meine Bestellung ist nicht angekommen. Die Sendungsverfolgung zeigt seit =
drei Tagen &quot;in Zustellung&quot;.</p><ul><li>Bestellnummer: 4711</li><li>Datum: 20.11.2026</li></ul>
<p>Mit freundlichen Gr=FC=DFen</p></body></html>
]]),
  crlf([[From: Customer %d <bench-%d@example.org>
To: help@support.test
Subject: Invoice attached (%s)
Message-ID: %s
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

Please find the wrong invoice attached; the amount should be 120 EUR, not 210 EUR.

--b1
Content-Type: application/pdf; name="invoice.pdf"
Content-Disposition: attachment; filename="invoice.pdf"
Content-Transfer-Encoding: base64

]]) .. attachment .. "\r\n--b1--\r\n",
  crlf([[From: "Svensson, Karl" <bench-%d@example.org>
To: "help@support.test" <help@support.test>
Subject: SV: Faktura %d saknas %s
Message-ID: %s
Content-Type: text/plain; charset="windows-1252"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Hej, fakturan =E4r fortfarande inte betald. Tack f=F6r hj=E4lpen.

Med v=E4nliga h=E4lsningar
Karl

________________________________
From: Helpdesk <help@support.test>
Sent: Monday, November 23, 2026 5:00 PM
Subject: Faktura saknas

Your invoice is missing.
]]),
}

local next_thread = 1
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

local n = 0
function init(args)
  math.randomseed(os.time() + (thread_no or 0) * 7919)
end

function request()
  n = n + 1
  local id = string.format("<bench-%d-%d-%d@client.example.org>", os.time(), thread_no or 0, n)
  local c = math.random(1, customers)
  local t = templates[(n % #templates) + 1]
  local body = string.format(t, c, c, tostring(n), id)
  return wrk.format(nil, nil, nil, body)
end
