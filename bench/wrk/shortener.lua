-- wrk script for the shortener benchmarks. Usage:
--   wrk -t2 -c64 -d10s -s bench/wrk/shortener.lua URL -- MODE [CODES] [THREADS]
-- MODE:
--   random      GET /CODE for codes picked at random from the CODES file
--               (the warm path once every code has been seen)
--   sequential  GET /CODE walking the CODES file, each thread its own
--               slice, so no code is asked twice (the cache-miss path)
--   create      POST /api/links with a new URL each time
-- Every thread seeds its random source with its number, so runs repeat.
-- done() prints one RESULT line that bench/report reads.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

local mode, codes, n, pos, stride, serial

function init(args)
  mode = args[1] or "random"
  if mode ~= "create" then
    codes = {}
    for line in io.lines(args[2]) do
      if line ~= "" then codes[#codes + 1] = line end
    end
    n = #codes
    if n == 0 then error("no codes in " .. args[2]) end
  end
  local nthreads = tonumber(args[3] or "1")
  math.randomseed(tid)
  if mode == "sequential" then
    stride = math.floor(n / nthreads)
    pos = (tid - 1) * stride
  end
  serial = 0
end

function request()
  if mode == "random" then
    return wrk.format("GET", "/" .. codes[math.random(n)])
  elseif mode == "sequential" then
    pos = pos + 1
    return wrk.format("GET", "/" .. codes[(pos - 1) % n + 1])
  end
  serial = serial + 1
  local body = string.format('{"url":"https://example.com/wrk/%d/%d/%d"}', tid, serial, math.random(1000000000))
  return wrk.format("POST", "/api/links", {["Content-Type"] = "application/json"}, body)
end

function done(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f status_errors=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1e3, latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status, e.connect + e.read + e.write + e.timeout))
end
