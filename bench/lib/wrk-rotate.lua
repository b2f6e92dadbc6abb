-- wrk script for bench/lib/wrk.ts (`wrk -t1 ... -s wrk-rotate.lua <url> -- <requests.lua>`).
-- <requests.lua> is written by wrk.ts and returns a list of request variants, {path=…, headers={…}}
-- (e.g. one session cookie per seeded user, or one search question per entry). init() pre-builds one request string per
-- entry with wrk.format; request() only cycles through those strings. No response() callback:
-- defining one makes wrk parse every response's headers and body in Lua, which slows it down.
-- done() prints the summary as one JSON line prefixed with WRK_JSON for wrk.ts to parse.

local prebuilt = {}
local count = 0
local i = 0

function init(args)
  local variants = dofile(args[1])
  for _, v in ipairs(variants) do
    count = count + 1
    prebuilt[count] = wrk.format(nil, v.path, v.headers)
  end
  if count == 0 then
    prebuilt[1] = wrk.format()
    count = 1
  end
end

function request()
  i = i % count + 1
  return prebuilt[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"durationUs":%d,"requests":%d,"bytes":%d,' ..
      '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
      '"p50Us":%d,"p95Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
  io.flush()
end
