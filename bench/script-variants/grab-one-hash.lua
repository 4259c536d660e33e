-- A version of rain-api's grab.lua, measured with bench/script-cost and not kept (bench/RESULTS.md): the viewer's
-- grab count and tap-rate bucket are two fields of one hash (KEYS[4]: the count under the userId, the bucket under
-- '~' .. userId, which no userId can be), read with one HMGET and written with one HSET, instead of an HGET and
-- an HSET on each of two hashes. KEYS[5] is not used. Everything else as grab.lua.
local state = redis.call('HMGET', KEYS[1], 'loadedCount', 'startsAt', 'endsAt', 'closed')
if not state[1] then
  return {'GONE'}
end
local t = redis.call('TIME')
local slot = tonumber(ARGV[3])
local grabs, bucket
if slot == 0 then
  -- The viewer's tap rate on this rain, by GCRA (as rate-limit.lua), in the same step as the grab: one
  -- round trip per tap instead of two. Charged before the window is checked, so taps during the countdown
  -- count too; a borrow (slot > 0) is the same tap, already charged. The bucket is a field of a hash of
  -- the home shard, removed with the rain's keys, so it needs no expiry of its own.
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local interval = tonumber(ARGV[4])
  local viewer = redis.call('HMGET', KEYS[4], ARGV[1], '~' .. ARGV[1])
  grabs = tonumber(viewer[1] or '0')
  local tat = tonumber(viewer[2] or '0')
  if tat < now then
    tat = now
  end
  local allowAt = tat + interval - interval * tonumber(ARGV[5])
  if now < allowAt then
    return {'RATE_LIMITED', allowAt - now}
  end
  -- %.0f: tostring would print these 16-digit microsecond counts in exponent form and lose digits.
  bucket = string.format('%.0f', tat + interval)
end
-- The tap is charged whatever the answer; a WON writes the bucket with the slot.
local function charge()
  if bucket then
    redis.call('HSET', KEYS[4], '~' .. ARGV[1], bucket)
  end
end
if not state[2] then
  charge()
  return {'NOT_STARTED'}
end
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Closed is checked first: once the finisher closed a shard, no claim may ever be added to it.
if state[4] == '1' or nowMs >= tonumber(state[3]) then
  charge()
  return {'ENDED'}
end
if nowMs < tonumber(state[2]) then
  charge()
  return {'NOT_STARTED'}
end

if slot == 0 then
  if grabs >= tonumber(ARGV[2]) then
    charge()
    return {'LIMIT_REACHED'}
  end
  slot = grabs + 1
  -- The slot is taken before the pop: a viewer can never hold more than maxGrabsPerUser slots, even
  -- while one of their attempts borrows from another shard. A slot lost to a crash only costs them a grab.
  redis.call('HSET', KEYS[4], ARGV[1], slot, '~' .. ARGV[1], bucket)
end

local packet = redis.call('LPOP', KEYS[2])
if not packet then
  if tonumber(ARGV[3]) == 0 then
    return {'BORROW', slot}
  end
  return {'EMPTY'}
end

local sep = string.find(packet, ':', 1, true)
local index = string.sub(packet, 1, sep - 1)
local amount = string.sub(packet, sep + 1)
local micros = t[1] .. string.format('%06d', tonumber(t[2]))
-- The claim enters the outbox in the same atomic step as the pop: a packet that left the list is
-- always on its way to the ledger.
local entryId = redis.call('XADD', KEYS[3], '*', 'p', index, 'u', ARGV[1], 'a', amount, 's', slot, 't', micros)
redis.call('HINCRBY', KEYS[1], 'claimedCount', 1)
redis.call('HINCRBY', KEYS[1], 'claimedAmount', amount)
local left = redis.call('LLEN', KEYS[2])
if left == 0 then
  redis.call('HSET', KEYS[1], 'emptiedAt', micros)
end
return {'WON', index, amount, entryId, micros, left, slot}
