-- wrk script: POST /api/v1/tickets, authenticated with an API token.
-- Env: HELPDESK_TOKEN (the bearer secret), BENCH_CUSTOMERS (size of the customer pool, default 1000).
-- Each request carries a distinct subject; customers come from a fixed pool, so the server does a
-- mix of customer inserts (first use of an email) and lookups, as a real inbox would.

local token = os.getenv("HELPDESK_TOKEN") or error("HELPDESK_TOKEN is not set")
local customers = tonumber(os.getenv("BENCH_CUSTOMERS") or "1000")

wrk.method = "POST"
wrk.path = "/api/v1/tickets"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. token

local priorities = { "low", "normal", "normal", "normal", "high", "urgent" }
local body_text = "Hello, I was charged twice for order %d this morning. "
  .. "Could you please refund the second payment? The card ends in 4242 and both charges "
  .. "show the same amount and date. Thanks in advance for looking into it."

-- setup() runs in the main Lua state once per thread; it gives each thread its own number.
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
  local order = (thread_no or 0) * 100000000 + n
  local c = math.random(1, customers)
  local body = string.format(
    '{"subject":"Refund for order %d","body":"%s",'
      .. '"customer":{"email":"bench-customer-%d@example.org","name":"Bench Customer %d","organization":"Bench Org"},'
      .. '"priority":"%s","channel":"api","tags":["bench","refund"]}',
    order, string.format(body_text, order), c, c, priorities[math.random(#priorities)])
  return wrk.format(nil, nil, nil, body)
end
