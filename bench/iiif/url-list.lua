-- wrk driver for bench/iiif.ts: requests the paths listed in $WRK_URLS (one a line).
-- Each wrk thread takes every $WRK_THREADS-th path starting at its own index, from $WRK_OFFSET on.
-- $WRK_MODE=once: each thread stops once it has an answer for each of its paths (the cold pass:
-- every URL asked for once) and says so on stdout; otherwise the list is cycled until wrk's -d runs out.
-- done() prints one JSON line (latencies in microseconds) for the bench to parse.
local paths = {}
for line in io.lines(os.getenv("WRK_URLS")) do
  if line ~= "" then paths[#paths + 1] = line end
end
local threads = tonumber(os.getenv("WRK_THREADS") or "1")
local offset = tonumber(os.getenv("WRK_OFFSET") or "0")
local once = os.getenv("WRK_MODE") == "once"
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local next_index, own, answered

function init(args)
  -- id is set by setup() before init runs in the thread's own Lua state
  next_index = offset + id
  own = 0
  for i = id, #paths - 1, threads do own = own + 1 end
  answered = 0
end

function request()
  local path = paths[(next_index % #paths) + 1]
  next_index = next_index + threads
  return wrk.format("GET", path)
end

function response(status, headers, body)
  answered = answered + 1
  if once and answered == own then
    -- wrk would wait out -d after a stop: the bench sees this line and ends the run with SIGINT.
    wrk.thread:stop()
    io.write("thread-done\n")
    io.stdout:flush()
  end
end

function done(summary, latency, requests)
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
