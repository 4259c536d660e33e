-- The viewers' turn, shared by grab.lua and g2c.lua. setup() numbers wrk's threads; load_viewers() formats the
-- grab once per pre-minted token of a distinct viewer (BENCH_GRAB_PATH, BENCH_ROOM, BENCH_TOKENS: a file, one
-- token a line), so wrk's per-request cost is a table lookup; request() hands out the next viewer in turn.
-- BENCH_OWN_ADDRESSES=1 gives every viewer an address of its own in X-Forwarded-For (10.x.y.z; the API must trust
-- 127.0.0.1 as its proxy, RAIN_TRUSTED_PROXIES), so each pays its own per-address limit as viewers on their own
-- phones do, instead of all sharing 127.0.0.1's lease.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function load_viewers()
  local path = os.getenv("BENCH_GRAB_PATH")
  local body = '{"roomId":"' .. os.getenv("BENCH_ROOM") .. '"}'
  local own_addresses = os.getenv("BENCH_OWN_ADDRESSES") == "1"
  requests = {}
  for token in io.lines(os.getenv("BENCH_TOKENS")) do
    local headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }
    if own_addresses then
      local n = #requests + 1
      headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256,
        math.floor(n / 256) % 256, n % 256)
    end
    requests[#requests + 1] = wrk.format("POST", path, headers, body)
  end
  -- Threads start half a rotation apart so they do not send the same viewer at the same moment.
  position = ((tid or 0) * math.floor(#requests / 2)) % #requests
end

function request()
  position = position + 1
  if position > #requests then
    position = 1
  end
  return requests[position]
end
