-- wrk script for grab to credited: grabs at a fixed total rate (wrk2's constant schedule, which Debian does
-- not package, built on wrk's delay() hook), and for each answer writes when it arrived, with the packetId of
-- every WON, so GrabToCredited can match them with the ledger. Times are CLOCK_MONOTONIC microseconds, the
-- clock System.nanoTime reads on Linux, so this file and the JVM that watches the ledger share one clock.
--
-- Each thread sends request k of its share at start + k / (rate / threads): delay() hands the next slot to
-- whichever connection is free, so while connections are free the schedule is kept (to wrk's 1 ms timer);
-- when none is free, requests go late, and the lateness is written down (L lines), never hidden.
--
-- Environment: as viewers.lua; BENCH_G2C_RATE (grabs/s, all threads),
-- BENCH_G2C_TOTAL (grabs to send in all), BENCH_G2C_THREADS (wrk's -t), BENCH_G2C_OUT (a directory: one file
-- per thread, g2c-<thread>.txt, lines "S <us>" schedule start, "W <us> <packetId>" a WON answer, "A <us>
-- <status>" any other answer, "L <us>" how late a request left).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/viewers.lua")

function init(args)
  local threads = tonumber(os.getenv("BENCH_G2C_THREADS"))
  load_viewers()
  -- This thread's share of the total, and the gap between its sends.
  local total = tonumber(os.getenv("BENCH_G2C_TOTAL"))
  quota = math.floor(total / threads) + ((tid or 0) < total % threads and 1 or 0)
  interval_us = 1000000 * threads / tonumber(os.getenv("BENCH_G2C_RATE"))
  scheduled = 0
  out = assert(io.open(os.getenv("BENCH_G2C_OUT") .. "/g2c-" .. (tid or 0) .. ".txt", "w"))
  out:setvbuf("full", 65536)
end

function delay()
  local now = now_us()
  if start_us == nil then
    start_us = now
    out:write("S ", start_us, "\n")
  end
  if scheduled >= quota then
    return 3600 * 1000 -- this thread's share is sent: park the connection until wrk's -d ends
  end
  local due = start_us + scheduled * interval_us
  scheduled = scheduled + 1
  if due <= now then
    out:write("L ", math.floor(now - due), "\n")
    return 0
  end
  return math.floor((due - now) / 1000)
end

function response(status, headers, body)
  local now = now_us()
  local packet = status == 200 and string.match(body, '"packetId":"([^"]+)"')
  if packet then
    out:write("W ", now, " ", packet, "\n")
  else
    out:write("A ", now, " ", status, "\n")
  end
end

done = dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
