-- wrk script for scripts/api-load.sh: every connection cycles through the read API's four
-- endpoints (instant query, range query as a form POST, series, label names), so one run
-- measures the mix a Grafana dashboard produces. Counts non-2xx replies itself, because
-- wrk's own "Non-2xx" line only appears when there are some.
local now = os.time()
local function enc(s) return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)) end
local requests = {}

init = function(args)
  local form = "application/x-www-form-urlencoded"
  requests = {
    wrk.format("GET", "/api/v1/query?query=" .. enc('sum by (job) (rate(load_requests_total[1m]))') .. "&time=" .. now),
    wrk.format("POST", "/api/v1/query_range", {["Content-Type"] = form},
      "query=" .. enc('avg by (path) (load_latency_seconds{job=~"load.*"})') .. "&start=" .. (now - 300) .. "&end=" .. now .. "&step=15"),
    wrk.format("GET", "/api/v1/series?match[]=" .. enc('load_requests_total{path=~"/p1.*"}') .. "&start=" .. (now - 300) .. "&end=" .. now),
    wrk.format("GET", "/api/v1/labels?start=" .. (now - 300) .. "&end=" .. now),
  }
end

local counter = 0
request = function()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

local bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if bad <= 3 then io.stderr:write("non-2xx: " .. status .. " " .. string.sub(body, 1, 200) .. "\n") end
  end
end

-- Each thread has its own Lua state; wrk calls done() once with the merged summary.
done = function(summary, latency, requests)
  io.write(string.format("requests %d\nseconds %.1f\nrps %.1f\np50_ms %.2f\np90_ms %.2f\np99_ms %.2f\nmax_ms %.2f\nerrors_socket %d\nnon2xx_status %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
