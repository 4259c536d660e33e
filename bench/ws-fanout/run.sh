#!/usr/bin/env bash
# WebSocket fan-out benchmark (not a test): CLIENTS viewers on one API instance receive one RAIN_START.
# Each run starts a fresh API (java -Xmx1g -jar rain-api/target/rain-api.jar) on the local services,
# runs the load generator (fanout.mjs, a separate node process) and stops the API. Prints each run and
# the median, min and max over the runs. Results: bench/out/ws-fanout-*.json (git-ignored).
#
#   bench/ws-fanout/run.sh                 # 3 runs of 10,000 clients
#   RUNS=5 CLIENTS=2000 bench/ws-fanout/run.sh
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
RUNS="${RUNS:-3}"
CLIENTS="${CLIENTS:-10000}"
PORT="${RAIN_LOCAL_API_PORT:-18080}"
OUT="$ROOT/bench/out"
JAR="$ROOT/rain-api/target/rain-api.jar"
mkdir -p "$OUT"

"$ROOT/rainctl" services >/dev/null
eval "$("$ROOT/rainctl" env)"
[[ -f $JAR ]] || (cd "$ROOT" && mvn -B -q -DskipTests package -pl rain-api -am)
# Each side holds one descriptor per connection; the hard limit here is 20,000.
ulimit -n "$(ulimit -Hn)"
REDIS_PORT="${RAIN_REDIS_URL##*:}"
SECRET="$(openssl rand -hex 32)"

api_pid=
stop_api() {
  [[ -n $api_pid ]] || return 0
  kill -TERM "$api_pid" 2>/dev/null || true
  wait "$api_pid" 2>/dev/null || true
  api_pid=
}
trap stop_api EXIT

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
for run in $(seq 1 "$RUNS"); do
  RAIN_JWT_SECRET="$SECRET" RAIN_HTTP_HOST=127.0.0.1 RAIN_HTTP_PORT="$PORT" RAIN_INSTANCE_ID="bench-$run" \
    RAIN_MANAGEMENT_HOST=127.0.0.1 RAIN_MANAGEMENT_PORT=0 \
    java -Xmx1g -jar "$JAR" >"$OUT/ws-fanout-$stamp-api-$run.log" 2>&1 &
  api_pid=$!
  for _ in $(seq 1 120); do
    curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/live" && break
    sleep 0.5
  done
  echo "run $run/$RUNS: API pid $api_pid, $CLIENTS clients"
  node "$ROOT/bench/ws-fanout/fanout.mjs" --port "$PORT" --pid "$api_pid" --secret "$SECRET" \
    --redis-port "$REDIS_PORT" --clients "$CLIENTS" --out "$OUT/ws-fanout-$stamp-run-$run.json"
  stop_api
  sleep 2
done
node "$ROOT/bench/ws-fanout/summarize.mjs" "$OUT"/ws-fanout-"$stamp"-run-*.json
