-- One grab attempt on one shard of a rain, atomically. Every key is of the shard's hash slot.
-- KEYS: 1 state hash, 2 packets list, 3 outbox stream, 4 per-user grab counts (home shard),
--       5 per-viewer tap-rate buckets (home shard)
-- ARGV: 1 userId, 2 maxGrabsPerUser, 3 slot already reserved on the home shard ("0" = this is the home shard),
--       4 tap-rate emission interval in microseconds (1 / rate), 5 tap-rate burst
-- Reply: {outcome, ...}
--   WON index amount entryId micros left slot | LIMIT_REACHED | BORROW slot | EMPTY | NOT_STARTED | ENDED | GONE
--   | RATE_LIMITED retryAfterMicros
local state = redis.call('HMGET', KEYS[1], 'loadedCount', 'startsAt', 'endsAt', 'closed')
if not state[1] then
  return {'GONE'}
end
local t = redis.call('TIME')
local slot = tonumber(ARGV[3])
if slot == 0 then
  -- The viewer's tap rate on this rain, by GCRA (as rate-limit.lua), in the same step as the grab: one
  -- round trip per tap instead of two. Charged before the window is checked, so taps during the countdown
  -- count too; a borrow (slot > 0) is the same tap, already charged. The bucket is a field of a hash of
  -- the home shard, removed with the rain's keys, so it needs no expiry of its own.
  local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
  local interval = tonumber(ARGV[4])
  local tat = tonumber(redis.call('HGET', KEYS[5], ARGV[1]) or '0')
  if tat < now then
    tat = now
  end
  local allowAt = tat + interval - interval * tonumber(ARGV[5])
  if now < allowAt then
    return {'RATE_LIMITED', allowAt - now}
  end
  -- %.0f: tostring would print these 16-digit microsecond counts in exponent form and lose digits.
  redis.call('HSET', KEYS[5], ARGV[1], string.format('%.0f', tat + interval))
end
if not state[2] then
  return {'NOT_STARTED'}
end
local nowMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Closed is checked first: once the finisher closed a shard, no claim may ever be added to it.
if state[4] == '1' or nowMs >= tonumber(state[3]) then
  return {'ENDED'}
end
if nowMs < tonumber(state[2]) then
  return {'NOT_STARTED'}
end

if slot == 0 then
  local grabs = tonumber(redis.call('HGET', KEYS[4], ARGV[1]) or '0')
  if grabs >= tonumber(ARGV[2]) then
    return {'LIMIT_REACHED'}
  end
  slot = grabs + 1
  -- The slot is taken before the pop: a viewer can never hold more than maxGrabsPerUser slots, even
  -- while one of their attempts borrows from another shard. A slot lost to a crash only costs them a grab.
  redis.call('HSET', KEYS[4], ARGV[1], slot)
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
