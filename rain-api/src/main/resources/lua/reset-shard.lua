-- Begins (or begins again) the load of one shard under a new prepare token.
-- Whatever a dead or slow earlier preparer left is removed, and its token no longer matches, so its
-- late writes are refused: a retry never leaves a second list or extra money behind.
-- KEYS: 1 state hash, 2 packets list, 3 outbox stream, 4 per-user counts, 5 per-viewer tap-rate buckets
-- ARGV: 1 prepare token, 2 packets this shard will hold
redis.call('UNLINK', KEYS[2], KEYS[3], KEYS[4], KEYS[5])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'prepareToken', ARGV[1], 'expectedCount', ARGV[2],
  'loadedCount', 0, 'loadedAmount', 0, 'claimedCount', 0, 'claimedAmount', 0)
return 1
