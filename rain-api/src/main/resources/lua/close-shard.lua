-- Closes one shard for good and reads its final counters. After this no grab can claim from it,
-- so the counters it returns are the shard's last word.
-- KEYS: 1 state hash, 2 packets list
-- Reply: {claimedCount, claimedAmount, packetsLeft, emptiedAt or ""}
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {-1, -1, -1, ''}
end
redis.call('HSET', KEYS[1], 'closed', '1')
local s = redis.call('HMGET', KEYS[1], 'claimedCount', 'claimedAmount', 'emptiedAt')
return {tonumber(s[1] or '0'), tonumber(s[2] or '0'), redis.call('LLEN', KEYS[2]), s[3] or ''}
