-- wrk script: POST /v1/rains/<code>/grab, each request with the next pre-minted token of a distinct
-- viewer. Requests are formatted once in init, so wrk's per-request cost is a table lookup.
-- Environment: BENCH_GRAB_PATH, BENCH_ROOM, BENCH_TOKENS (file, one token a line); BENCH_OWN_ADDRESSES=1
-- gives every viewer an address of its own in X-Forwarded-For (10.x.y.z; the API must trust 127.0.0.1 as
-- its proxy, RAIN_TRUSTED_PROXIES), so each pays its own per-address limit as viewers on their own phones do,
-- instead of all sharing 127.0.0.1's lease.
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
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

done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
