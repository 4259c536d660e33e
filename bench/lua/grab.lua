-- wrk script: POST /v1/rains/<code>/grab, each request with the next pre-minted token of a distinct
-- viewer. Requests are formatted once in init, so wrk's per-request cost is a table lookup.
-- Environment: BENCH_GRAB_PATH, BENCH_ROOM, BENCH_TOKENS (file, one token a line).
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local path = os.getenv("BENCH_GRAB_PATH")
  local body = '{"roomId":"' .. os.getenv("BENCH_ROOM") .. '"}'
  requests = {}
  for token in io.lines(os.getenv("BENCH_TOKENS")) do
    requests[#requests + 1] = wrk.format("POST", path,
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
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
