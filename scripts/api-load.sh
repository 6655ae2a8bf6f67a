#!/usr/bin/env bash
# HTTP API load test (docs/PERFORMANCE.md, "HTTP API under load").
#
# Starts a release `lantern serve` on a free loopback port that scrapes 4 synthetic targets
# (1,000 series each, served by python3's http.server) every second, lets it collect data for
# WARMUP seconds, then runs wrk from a second process against /api/v1/query, query_range (POST),
# series and labels, and prints requests/s, latency percentiles, errors and the server's peak RSS.
#
#   scripts/api-load.sh [DURATION_SECONDS=30] [CONNECTIONS=8] [THREADS=2] [WARMUP_SECONDS=60]
#
# Needs: wrk (apt-get install wrk), python3, a release build (built here if missing).
set -euo pipefail
DURATION=${1:-30}
CONNECTIONS=${2:-8}
THREADS=${3:-2}
WARMUP=${4:-60}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 1; }

BIN=$(swift build -c release --show-bin-path)/lantern
[ -x "$BIN" ] || swift build -c release --product lantern

WORK=$(mktemp -d /tmp/lantern-api-load.XXXXXX)
cleanup() {
  [ -n "${LANTERN_PID:-}" ] && kill "$LANTERN_PID" 2>/dev/null && wait "$LANTERN_PID" 2>/dev/null || true
  [ -n "${TARGET_PID:-}" ] && kill "$TARGET_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Synthetic targets: t1..t4.txt, 10 paths x 50 codes x 2 metrics = 1,000 series each.
mkdir -p "$WORK/targets"
for t in 1 2 3 4; do
  python3 - "$WORK/targets/t$t.txt" <<'PY'
import random, sys
out = ["# TYPE load_requests_total counter", "# TYPE load_latency_seconds gauge"]
for p in range(10):
    for c in range(50):
        out.append(f'load_requests_total{{path="/p{p}",code="{200 + c}"}} {random.randint(0, 10**6)}')
        out.append(f'load_latency_seconds{{path="/p{p}",code="{200 + c}"}} {random.random():.6f}')
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
done
TARGET_PORT=$(free_port)
(cd "$WORK/targets" && exec python3 -m http.server "$TARGET_PORT" --bind 127.0.0.1 >/dev/null 2>&1) &
TARGET_PID=$!

PORT=$(free_port)
{
  echo "global: {scrape_interval: 1s}"
  echo "scrape_configs:"
  for t in 1 2 3 4; do
    echo "  - job_name: load$t"
    echo "    metrics_path: /t$t.txt"
    echo "    static_configs: [{targets: ['127.0.0.1:$TARGET_PORT']}]"
  done
} > "$WORK/prometheus.yml"
"$BIN" serve --config.file="$WORK/prometheus.yml" --storage.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PORT" --log.level=warn > "$WORK/lantern.log" 2>&1 &
LANTERN_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/-/ready" >/dev/null && break; sleep 0.1; done
echo "lantern pid $LANTERN_PID on :$PORT; warming up ${WARMUP}s (4 targets x 1,000 series, 1 s interval)" >&2
sleep "$WARMUP"
SERIES=$(curl -s "http://127.0.0.1:$PORT/api/v1/query?query=count(%7B__name__%3D~%22load_.*%22%7D)" | sed -E 's/.*"value":\[[^,]*,"([0-9]+)".*/\1/')
echo "series stored: $SERIES" >&2

# Sample the server's RSS every 0.2 s while wrk runs; VmHWM is the peak over its whole life.
( while kill -0 "$LANTERN_PID" 2>/dev/null; do awk '/VmRSS/{print $2}' /proc/$LANTERN_PID/status; sleep 0.2; done ) > "$WORK/rss.txt" &
SAMPLER=$!
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$ROOT/bench/api-load.lua" "http://127.0.0.1:$PORT" > "$WORK/wrk.txt"
kill "$SAMPLER" 2>/dev/null || true
PEAK_RUN_KB=$(sort -n "$WORK/rss.txt" | tail -1)
PEAK_LIFE_KB=$(awk '/VmHWM/{print $2}' /proc/$LANTERN_PID/status)

cat "$WORK/wrk.txt" | grep -E '^(requests|seconds|rps|p50_ms|p90_ms|p99_ms|max_ms|errors_socket|non2xx_status) '
echo "series $SERIES"
echo "connections $CONNECTIONS"
echo "peak_rss_during_load_mib $((PEAK_RUN_KB / 1024))"
echo "peak_rss_lifetime_mib $((PEAK_LIFE_KB / 1024))"
NON2XX=$(awk '/^non2xx_status/{print $2}' "$WORK/wrk.txt")
SOCKERR=$(awk '/^errors_socket/{print $2}' "$WORK/wrk.txt")
if [ "${NON2XX:-1}" != "0" ] || [ "${SOCKERR:-1}" != "0" ]; then echo "FAIL: errors under load" >&2; exit 1; fi
