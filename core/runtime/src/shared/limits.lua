-- The limits every process on one portal and credential shares, run by the Redis server on its
-- own clock so that every process sees one state and no two updates interleave.
--
-- `reserve`: KEYS[1] the bucket, KEYS[2..] the execution-time budgets of the request's methods.
--   ARGV[2] the usable burst, ARGV[3] requests drained per second, ARGV[4] the budget threshold
--   (seconds of execution in the window). When a method's budget is spent past the threshold
--   and not yet released, nothing is reserved and the answer is minus the microseconds until
--   the release; otherwise the leaky bucket of limiter.rs reserves the next slot and the answer
--   is the microseconds until it.
-- `release` / `full`: KEYS[1] the bucket; a slot given back, or the portal refused for intensity.
-- `budget`: KEYS[1] a method's budget; ARGV[2] seconds used in the window, ARGV[3] seconds until
--   the portal releases some (as its answer said).
local op = ARGV[1]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000

if op == 'budget' then
  local used, release_in = tonumber(ARGV[2]), tonumber(ARGV[3])
  redis.call('HSET', KEYS[1], 'used', string.format('%.17g', used), 'released_at', string.format('%.6f', now + release_in))
  -- The portal's window is ten minutes; a reading older than that says nothing.
  redis.call('PEXPIRE', KEYS[1], math.ceil((release_in + 600) * 1000))
  return 0
end

local burst, rate = tonumber(ARGV[2]), tonumber(ARGV[3])
if op == 'reserve' and #KEYS > 1 then
  local threshold = tonumber(ARGV[4])
  local hold = 0
  for i = 2, #KEYS do
    local reading = redis.call('HMGET', KEYS[i], 'used', 'released_at')
    local used, released_at = tonumber(reading[1]), tonumber(reading[2])
    if used and released_at and used >= threshold and released_at > now then
      hold = math.max(hold, released_at - now)
    end
  end
  if hold > 0 then
    return -math.ceil(hold * 1000000)
  end
end

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
  return redis.error_reply('unknown operation: ' .. tostring(op))
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'at', string.format('%.6f', now))
-- A bucket left alone drains to empty; its key goes then.
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate * 1000) + 1000)
return math.ceil(wait * 1000000)
