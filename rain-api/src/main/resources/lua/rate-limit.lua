-- Rate limits by GCRA (the generic cell rate algorithm), all or nothing over one or more buckets.
-- KEYS: the buckets; the caller gives every key of one call the same hash tag, so one hash slot.
-- ARGV: for bucket i, at 3i-2 .. 3i: the emission interval in microseconds (1 / rate), the burst
--       (requests allowed at once), and 1 to take one request from it or 0 to only look.
-- A bucket holds its theoretical arrival time (TAT) in microseconds of Redis's own clock, so API
-- instances with skewed clocks agree, and it expires once it is no longer ahead of now: an idle
-- client costs no memory.
-- Reply: {0, 0} when every bucket allows (and the taking ones are charged), or {i, retryAfterMicros}
-- naming the first bucket that refused; then nothing is charged anywhere.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tats = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 * i - 2])
  local burst = tonumber(ARGV[3 * i - 1])
  local tat = tonumber(redis.call('GET', KEYS[i]) or '0')
  if tat < now then
    tat = now
  end
  local newTat = tat + interval
  local allowAt = newTat - interval * burst
  if now < allowAt then
    return {i, allowAt - now}
  end
  tats[i] = newTat
end
for i = 1, #KEYS do
  if ARGV[3 * i] == '1' then
    -- %.0f: tostring would print these 16-digit microsecond counts in exponent form and lose digits.
    redis.call('SET', KEYS[i], string.format('%.0f', tats[i]), 'PX', math.ceil((tats[i] - now) / 1000))
  end
end
return {0, 0}
