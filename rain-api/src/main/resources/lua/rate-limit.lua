-- Rate limits by GCRA (the generic cell rate algorithm), all or nothing over one or more buckets.
-- KEYS: the buckets; the caller gives every key of one call the same hash tag, so one hash slot.
-- ARGV: for bucket i, at 3i-2 .. 3i: the emission interval in microseconds (1 / rate), the burst
--       (requests allowed at once), and how many requests to take from it: 0 to only look, 1 for this
--       request, more to take a lease of several requests at once (granted as many as the bucket holds).
-- A bucket holds its theoretical arrival time (TAT) in microseconds of Redis's own clock, so API
-- instances with skewed clocks agree, and it expires once it is no longer ahead of now: an idle
-- client costs no memory.
-- Reply: {0, 0, granted} when every bucket allows at least one request (the taking ones are charged
-- `granted` each: the least any of them asked for and holds), or {i, retryAfterMicros} naming the first
-- bucket that refused; then nothing is charged anywhere.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tats = {}
local granted = nil
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local take = tonumber(ARGV[3 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then
    tat = now
  end
  -- How many requests the bucket would admit right now.
  local room = math.floor((now + interval * burst - tat) / interval)
  if room < 1 then
    return {i, tat + interval - interval * burst - now}
  end
  tats[i] = tat
  if take > 0 then
    granted = math.min(granted or take, take, room)
  end
end
granted = granted or 0
for i = 1, #KEYS do
  if tonumber(ARGV[3 * i]) > 0 then
    local newTat = tats[i] + granted * tonumber(ARGV[3 * i - 2])
    -- %.0f: tostring would print these 16-digit microsecond counts in exponent form and lose digits.
    redis.call('SET', KEYS[i], string.format('%.0f', newTat), 'PX', math.ceil((newTat - now) / 1000))
  end
end
return {0, 0, granted}
