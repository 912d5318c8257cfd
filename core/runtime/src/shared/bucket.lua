-- The leaky bucket of limiter.rs, kept in one hash and run on the Redis server's clock, so that
-- every process sees one level and no two reservations interleave.
-- KEYS[1]: the bucket. ARGV[1]: `reserve`, `release` or `full`; ARGV[2]: the usable burst;
-- ARGV[3]: requests drained per second.
-- Returns how long the reserved slot is away, in whole microseconds (0 for the other operations).
local op, burst, rate = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local saved = redis.call('HMGET', KEYS[1], 'level', 'at')
local level = tonumber(saved[1]) or 0
local at = tonumber(saved[2]) or now
level = math.max(0, level - math.max(0, now - at) * rate)
local wait = 0
if op == 'reserve' then
  level = level + 1
  if level > burst then
    wait = (level - burst) / rate
  end
elseif op == 'release' then
  level = math.max(0, level - 1)
elseif op == 'full' then
  level = math.max(level, burst)
else
  return redis.error_reply('unknown bucket operation: ' .. tostring(op))
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'at', string.format('%.6f', now))
-- A bucket left alone drains to empty; its key goes then.
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate * 1000) + 1000)
return math.ceil(wait * 1000000)
