-- wrk script: GET /api/v1/tickets/{id} for a random id in [BENCH_MIN_ID, BENCH_MAX_ID],
-- authenticated with an API token. Env: HELPDESK_TOKEN, BENCH_MIN_ID (default 1), BENCH_MAX_ID.
-- run.sh takes the range from the server; ids that don't exist show up as non-2xx responses.

local token = os.getenv("HELPDESK_TOKEN") or error("HELPDESK_TOKEN is not set")
local min_id = tonumber(os.getenv("BENCH_MIN_ID") or "1")
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or error("BENCH_MAX_ID is not set"))

wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. token

local next_thread = 1
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(os.time() + (thread_no or 0) * 7919)
end

function request()
  return wrk.format(nil, "/api/v1/tickets/" .. math.random(min_id, max_id))
end
