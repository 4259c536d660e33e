-- Makes the packets one prepare staged for a shard the shard's list, if that prepare still owns it.
-- The staged list is the prepare's own (its name carries the token), so a stale preparer's writes
-- never reach the list grabs pop from; its commit is refused here, fenced by the token.
-- KEYS: 1 state hash, 2 staged list of this prepare, 3 packets list
-- ARGV: 1 prepare token, 2 packets staged, 3 sum of their amounts
if redis.call('HGET', KEYS[1], 'prepareToken') ~= ARGV[1] then
  return redis.error_reply('FENCED another prepare owns this shard')
end
local staged = redis.call('LLEN', KEYS[2])
local expected = tonumber(redis.call('HGET', KEYS[1], 'expectedCount'))
if staged ~= tonumber(ARGV[2]) or staged ~= expected then
  return redis.error_reply('INCOMPLETE ' .. staged .. ' packets staged, ' .. tostring(expected) .. ' expected')
end
redis.call('RENAME', KEYS[2], KEYS[3])
-- The staged list expires in case its preparer dies; the committed one lives until the rain is released.
redis.call('PERSIST', KEYS[3])
redis.call('HSET', KEYS[1], 'loadedCount', staged, 'loadedAmount', ARGV[3])
return staged
