-- wrk script of bench/run.ts (run with -t1). Prints the figures as one JSON line; with BENCH_TOKEN_PREFIX set,
-- every request carries a new bearer token <prefix><n>: n counts up from BENCH_TOKEN_START and wraps to 0 at
-- BENCH_TOKEN_END (then tokens are reused, and the bench says so).
local prefix = os.getenv("BENCH_TOKEN_PREFIX")
local first = tonumber(os.getenv("BENCH_TOKEN_START") or "0")
local last = tonumber(os.getenv("BENCH_TOKEN_END") or "1")
local n = first

if prefix then
  request = function()
    local headers = { ["Authorization"] = "Bearer " .. prefix .. n }
    n = n + 1
    if n >= last then n = 0 end
    return wrk.format(nil, nil, headers)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%.0f,"durationUs":%.0f,"non2xx":%.0f,"socketErrors":%.0f,"p50Us":%.0f,"p99Us":%.0f,"maxUs":%.0f}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
