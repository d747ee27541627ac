/**
 * Lua scripts of the {@link RedisRunStore}. Each runs atomically inside Redis, so two processes
 * appending to the same run (a worker and a sweeper ending it as interrupted) can never both
 * win: the gapless check and the write happen in one step.
 */

/**
 * Creates a run. KEYS: run hash, runs zset, unfinished zset, order counter.
 * ARGV: id, then field/value pairs. Returns the run's order number, or 0 when it exists.
 */
export const CREATE_RUN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local ord = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'ord', ord, 'lastSeq', 0, unpack(ARGV, 2))
redis.call('ZADD', KEYS[2], ord, ARGV[1])
redis.call('ZADD', KEYS[3], ord, ARGV[1])
return ord
`;

/**
 * Appends events. KEYS: run hash, events stream, unfinished zset.
 * ARGV: firstSeq, count, endsRun ("1"/"0"), retentionMs, patch pair count, patch pairs
 * (startedAt is only set when absent), then one JSON per event.
 * Returns 1 on success, -1 when the run does not exist, or {lastSeq, ended} when the events do
 * not continue the log (nothing is written then).
 */
export const APPEND_EVENTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local last = tonumber(redis.call('HGET', KEYS[1], 'lastSeq') or '0')
local ended = redis.call('HGET', KEYS[1], 'ended') == '1'
local first = tonumber(ARGV[1])
if ended or first ~= last + 1 then return {last, ended and 1 or 0} end
local count = tonumber(ARGV[2])
local npairs = tonumber(ARGV[5])
local base = 5 + npairs * 2
for i = 1, count do
  redis.call('XADD', KEYS[2], (first + i - 1) .. '-0', 'e', ARGV[base + i])
end
redis.call('HSET', KEYS[1], 'lastSeq', last + count)
for i = 0, npairs - 1 do
  local field = ARGV[6 + i * 2]
  local value = ARGV[7 + i * 2]
  if field == 'startedAt' then redis.call('HSETNX', KEYS[1], field, value)
  else redis.call('HSET', KEYS[1], field, value) end
end
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[1], 'ended', '1')
  redis.call('ZREM', KEYS[3], redis.call('HGET', KEYS[1], 'id'))
  local retention = tonumber(ARGV[4])
  if retention > 0 then
    redis.call('PEXPIRE', KEYS[1], retention)
    redis.call('PEXPIRE', KEYS[2], retention)
  end
end
return 1
`;

/**
 * Changes status fields. KEYS: run hash. ARGV: field/value pairs.
 * Returns 0 when the run does not exist.
 */
export const UPDATE_RUN = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;
