#!/usr/bin/env bash
# Coverage-guided fuzzing with libFuzzer (swiftc -sanitize=fuzzer,address) of the PromQL parser
# (docs/RELIABILITY.md, "Bad input").
#
#   scripts/libfuzzer.sh promql [SECONDS=300]
#
# SwiftPM cannot build a libFuzzer binary of one module without rebuilding every dependency
# (Hummingbird, NIO, …) under the sanitizers, so this compiles the sources it needs straight
# with swiftc: Sources/Model as a library, then Sources/Query/Parser plus the harness
# Tests/FuzzTests/LibFuzzer/PromQLHarness.swift.txt (.txt so SwiftPM's test target ignores it).
# The corpus starts from Tests/FuzzTests/Corpus/promql; a crashing input is copied into
# Tests/FuzzTests/Regressions/promql/, which every `swift test` replays.
set -euo pipefail
TARGET=${1:?usage: scripts/libfuzzer.sh promql [SECONDS]}
SECONDS_TOTAL=${2:-300}
[ "$TARGET" = promql ] || { echo "only the promql target has a libFuzzer harness" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${LIBFUZZER_WORK:-/tmp/lantern-libfuzzer}
mkdir -p "$WORK/corpus-$TARGET"
cd "$WORK"
FLAGS=(-sanitize=fuzzer,address -O -g -swift-version 6 -parse-as-library
       -enable-upcoming-feature ExistentialAny -enable-upcoming-feature InternalImportsByDefault
       -enable-upcoming-feature MemberImportVisibility)
swiftc "${FLAGS[@]}" -emit-module -emit-library -static -module-name Model \
  $(find "$ROOT/Sources/Model" -name '*.swift') -o libModel.a
cp "$ROOT/Tests/FuzzTests/LibFuzzer/PromQLHarness.swift.txt" harness.swift
swiftc "${FLAGS[@]}" -module-name Query -I . -L . -lModel "$ROOT"/Sources/Query/Parser/*.swift harness.swift -o fuzz-promql
# Seed corpus: one file per query of the .lines files.
python3 - "$ROOT/Tests/FuzzTests/Corpus/promql" "$WORK/corpus-promql" <<'PY'
import os, sys
src, dst = sys.argv[1:]
for f in os.listdir(src):
    for i, line in enumerate(open(os.path.join(src, f), encoding="utf-8", errors="replace")):
        open(os.path.join(dst, f"{f}-{i}"), "w").write(line.rstrip("\n"))
PY
set +e
./fuzz-promql -max_total_time="$SECONDS_TOTAL" -timeout=5 -rss_limit_mb=2048 -artifact_prefix="$WORK/" "$WORK/corpus-promql"
STATUS=$?
set -e
for f in "$WORK"/crash-* "$WORK"/timeout-* "$WORK"/oom-*; do
  [ -e "$f" ] || continue
  cp "$f" "$ROOT/Tests/FuzzTests/Regressions/promql/$(basename "$f").txt"
  echo "saved $(basename "$f") into Tests/FuzzTests/Regressions/promql/" >&2
done
exit $STATUS
