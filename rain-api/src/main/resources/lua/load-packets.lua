-- Appends one batch of packets to a shard, fenced by the prepare token.
-- KEYS: 1 state hash, 2 packets list
-- ARGV: 1 prepare token, 2 sum of the batch's amounts, 3.. packets as "index:amount"
if redis.call('HGET', KEYS[1], 'prepareToken') ~= ARGV[1] then
  return redis.error_reply('FENCED another prepare owns this shard')
end
local n = #ARGV - 2
redis.call('RPUSH', KEYS[2], unpack(ARGV, 3))
redis.call('HINCRBY', KEYS[1], 'loadedCount', n)
redis.call('HINCRBY', KEYS[1], 'loadedAmount', ARGV[2])
return n
