-- GCRA for one key, atomically, on Redis's clock so that instances with skewed clocks agree.
-- Mirrors folio_domain::limits::Gcra::check: the caller runs that same arithmetic on the
-- returned stored time and clock reading to build the headers, so only whether the hit is
-- allowed, and the new arrival time, are decided here.
--
-- KEYS[1]  the key's theoretical arrival time (TAT), in ms since the Unix epoch
-- ARGV[1]  the time one hit costs (window / limit), in ms
-- ARGV[2]  the window, in ms
-- ARGV[3]  '1' to count the hit, '0' to only look
-- Returns  { stored TAT or nil, server seconds, server microseconds, 1 if counted else 0 }

if redis.replicate_commands then
  -- Redis < 5 replicates scripts verbatim, which TIME followed by a write would break.
  pcall(redis.replicate_commands)
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local stored = redis.call('GET', KEYS[1])
local counted = 0

if ARGV[3] == '1' then
  local interval = tonumber(ARGV[1])
  local window = tonumber(ARGV[2])
  local tat = now
  if stored and tonumber(stored) then tat = math.max(tonumber(stored), now) end
  local new_tat = tat + interval
  if new_tat - now <= window + 1e-6 then
    -- Once the arrival time has passed, a key is indistinguishable from a new one.
    local ttl = math.max(1, math.ceil(new_tat - now))
    redis.call('SET', KEYS[1], string.format('%.17g', new_tat), 'PX', ttl)
    counted = 1
  end
end

return { stored, time[1], time[2], counted }
