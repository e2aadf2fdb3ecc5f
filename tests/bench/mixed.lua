-- wrk script for the soak benchmark: a steady mix of ticket creates and single-ticket reads.
-- Env: HELPDESK_TOKEN, BENCH_MAX_ID (reads pick ids 1..BENCH_MAX_ID), SOAK_WRITE_SHARE (percent of
-- requests that create a ticket, default 20).

local token = os.getenv("HELPDESK_TOKEN") or error("HELPDESK_TOKEN is not set")
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or error("BENCH_MAX_ID is not set"))
local write_share = tonumber(os.getenv("SOAK_WRITE_SHARE") or "20")

local next_thread = 1
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

local n = 0
function init(args)
  math.randomseed(os.time() + (thread_no or 0) * 7919)
end

local create_headers = {
  ["Content-Type"] = "application/json",
  ["Authorization"] = "Bearer " .. token,
}
local read_headers = { ["Authorization"] = "Bearer " .. token }

function request()
  n = n + 1
  if math.random(100) <= write_share then
    local order = (thread_no or 0) * 100000000 + n
    local c = math.random(1, 1000)
    local body = string.format(
      '{"subject":"Soak order %d","body":"The parcel for order %d has not arrived yet; '
        .. 'could you check where it is?","customer":{"email":"soak-%d@example.org",'
        .. '"name":"Soak Customer %d"},"channel":"api","tags":["soak"]}',
      order, order, c, c)
    return wrk.format("POST", "/api/v1/tickets", create_headers, body)
  end
  return wrk.format("GET", "/api/v1/tickets/" .. math.random(1, max_id), read_headers)
end
