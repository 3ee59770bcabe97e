-- wrk script of scripts/bench's read rows: done() prints one line that the script reads,
-- "rate <req/s> p50 <ms> p99 <ms> bad <answers that were not 2xx/3xx or failed>".
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("rate %.0f p50 %.2f p99 %.2f bad %d\n", summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, e.status + e.connect + e.read + e.write + e.timeout))
end
