-- The OAuth token pair that every process started with the same pair shares, and the lease on
-- its renewal (a refresh token is single-use: only one process may spend it).
-- KEYS[1] the pair (a hash: access, refresh, generation), KEYS[2] the renewal lease.
-- `publish`: ARGV[2] the fence the lease was taken with, ARGV[3] the new access token, ARGV[4]
--   the new refresh token; the pair is replaced and the lease given up only while the lease is
--   still this holder's (1), else nothing changes (0).
-- `unlock`: gives the lease up if it is still this holder's (ARGV[2]).
local op, fence = ARGV[1], ARGV[2]
if redis.call('GET', KEYS[2]) ~= fence then
  return 0
end
if op == 'publish' then
  redis.call('HSET', KEYS[1], 'access', ARGV[3], 'refresh', ARGV[4])
  redis.call('HINCRBY', KEYS[1], 'generation', 1)
  -- A fleet restarted with newer tokens uses another key; this one goes after a week unused.
  redis.call('EXPIRE', KEYS[1], 604800)
elseif op ~= 'unlock' then
  return redis.error_reply('unknown operation: ' .. tostring(op))
end
redis.call('DEL', KEYS[2])
return 1
