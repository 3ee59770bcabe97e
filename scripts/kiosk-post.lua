-- wrk script: each request posts a kiosk form with a fresh response UUID, as the kiosk
-- script does (Accept: application/json), and the answers are counted by status class;
-- done() prints them, the slowest answer and the rate of stored ones. Used by
-- scripts/import-under-load and scripts/bench.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- args[1], a small number, tells apart the UUIDs of wrk processes started together
-- (scripts/bench's two serve processes).
function init(args)
  n, ok, client, server = 0, 0, 0, 0
  salt = tonumber(args[1] or "0")
  math.randomseed(os.time() * 1000 + id + 97 * salt)
  local fields = { "field=land", "lang=en" }
  for e, count in ipairs({ 4, 5, 6, 3, 4 }) do
    for c = 1, count do
      table.insert(fields, string.format("E%d.%d=%d", e, c, math.random(3, 5)))
    end
  end
  body_rest = table.concat(fields, "&")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Accept"] = "application/json"
end

request = function()
  n = n + 1
  -- a version 4 UUID unique to this thread and request
  local uuid = string.format("%08x-%04x-4%03x-%04x-%04x%04x%04x", n, id + 256 * salt, math.random(0, 4095),
    32768 + math.random(0, 16383), math.random(0, 65535), math.random(0, 65535), math.random(0, 65535))
  return wrk.format(nil, nil, nil, "response_id=" .. uuid .. "&" .. body_rest)
end

response = function(status, headers, body)
  if status >= 500 then
    server = server + 1
  elseif status >= 400 then
    client = client + 1
  else
    ok = ok + 1
  end
end

done = function(summary, latency, requests)
  local total = { ok = 0, client = 0, server = 0 }
  for _, t in ipairs(threads) do
    total.ok = total.ok + t:get("ok")
    total.client = total.client + t:get("client")
    total.server = total.server + t:get("server")
  end
  io.write(string.format("kiosk answers: %d stored, %d 4xx, %d 5xx; latency p50 %.1f ms, p99 %.1f ms, slowest %.1f ms; %.0f stored/s\n",
    total.ok, total.client, total.server, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    total.ok / (summary.duration / 1e6)))
end
