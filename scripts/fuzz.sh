#!/usr/bin/env bash
# Long fuzzing runs of one target with the seeded mutation fuzzer of Tests/FuzzTests
# (docs/RELIABILITY.md, "Bad input").
#
#   scripts/fuzz.sh TARGET [SECONDS=300]
#   TARGET: promtext | openmetrics | promql | config | remote
#
# Runs the target's fuzz test again and again, 30 s and a fresh seed per round, until SECONDS
# have passed. Every input is written to a scratch file before it is parsed, so when a round
# crashes (the test process dies) or fails (a slow input, an empty error message), the input
# is copied into Tests/FuzzTests/Regressions/TARGET/, which every `swift test` replays first.
# Uses the debug build (`swift build --build-tests` first); set CONFIG=release to fuzz an
# optimized build (`swift build -c release --build-tests`), which runs ~10x more inputs.
set -uo pipefail
TARGET=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
SECONDS_TOTAL=${2:-300}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
case "$TARGET" in
  promtext) FILTER='ExpositionFuzzTests/promText' ;;
  openmetrics) FILTER='ExpositionFuzzTests/openMetrics' ;;
  promql) FILTER='PromQLFuzzTests' ;;
  config) FILTER='ConfigFuzzTests' ;;
  remote) FILTER='RemoteFuzzTests' ;;
  *) echo "unknown target $TARGET (promtext, openmetrics, promql, config, remote)" >&2; exit 2 ;;
esac
BUILD_ARGS=()
[ "${CONFIG:-debug}" = release ] && BUILD_ARGS=(-c release)
SCRATCH=$(mktemp /tmp/lantern-fuzz-current.XXXXXX)
REGRESSIONS="$ROOT/Tests/FuzzTests/Regressions/$TARGET"
mkdir -p "$REGRESSIONS"
END=$(( $(date +%s) + SECONDS_TOTAL ))
ROUNDS=0; FOUND=0
while [ "$(date +%s)" -lt "$END" ]; do
  SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
  LEFT=$(( END - $(date +%s) )); ROUND=$(( LEFT < 30 ? LEFT : 30 )); [ "$ROUND" -lt 1 ] && break
  LOG=$(LANTERN_FUZZ_SEED=$SEED LANTERN_FUZZ_SECONDS=$ROUND LANTERN_FUZZ_ITERATIONS=100000000 \
        LANTERN_FUZZ_SAVE_CURRENT=$SCRATCH swift test "${BUILD_ARGS[@]}" --skip-build --filter "$FILTER" 2>&1)
  STATUS=$?
  ROUNDS=$((ROUNDS + 1))
  echo "$LOG" | grep -E "^fuzz $TARGET: [0-9]+ inputs" || true
  if [ $STATUS -ne 0 ]; then
    FOUND=$((FOUND + 1))
    if echo "$LOG" | grep -q "unexpected signal"; then
      # The process died: the scratch file holds the input it died on.
      FILE="$REGRESSIONS/crash-$SEED.bin"
      cp "$SCRATCH" "$FILE"
      echo "round with seed $SEED crashed; its last input saved as $FILE" >&2
    else
      echo "round with seed $SEED failed (status $STATUS); replay with LANTERN_FUZZ_SEED=$SEED" >&2
    fi
    echo "$LOG" | grep -E "recorded an issue|signal" | cut -c1-600 >&2
    # Findings that did not kill the process were saved by the harness too.
    ls /tmp/lantern-fuzz-findings/"$TARGET"-"$SEED"-* 2>/dev/null | while read -r f; do cp "$f" "$REGRESSIONS/"; done
  fi
done
rm -f "$SCRATCH"
echo "fuzz $TARGET: $ROUNDS rounds, $FOUND failing" >&2
[ "$FOUND" -eq 0 ]
