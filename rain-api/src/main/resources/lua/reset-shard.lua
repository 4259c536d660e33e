-- Begins (or begins again) the load of one shard under a new prepare token.
-- Whatever a dead or slow earlier preparer left is removed, and its token no longer matches, so its
-- late writes are refused: a retry never leaves a second list or extra money behind.
-- A shard that was ever started (given a window, closed, or holding a claim) is never reset: that
-- would delete WON claims still waiting in its outbox, and the caps and counters that guard them.
-- KEYS: 1 state hash, 2 packets list, 3 outbox stream, 4 per-user counts, 5 per-viewer tap-rate buckets
-- ARGV: 1 prepare token, 2 packets this shard will hold
-- Reply: 1, or the error STARTED
local state = redis.call('HMGET', KEYS[1], 'startsAt', 'closed', 'claimedCount')
if state[1] or state[2] or (tonumber(state[3] or '0') > 0) or redis.call('EXISTS', KEYS[3]) == 1 then
  return redis.error_reply('STARTED this shard was started; it is never reset')
end
redis.call('UNLINK', KEYS[2], KEYS[4], KEYS[5])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'prepareToken', ARGV[1], 'expectedCount', ARGV[2],
  'loadedCount', 0, 'loadedAmount', 0, 'claimedCount', 0, 'claimedAmount', 0)
return 1
