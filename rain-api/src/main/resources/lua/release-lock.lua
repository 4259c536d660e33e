-- Releases or extends a lock only if this owner still holds it.
-- KEYS: 1 lock   ARGV: 1 owner token, 2 "release" or a new expiry in ms
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
if ARGV[2] == 'release' then
  return redis.call('DEL', KEYS[1])
end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
