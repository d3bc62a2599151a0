#!/usr/bin/env bash
# The fuzz check: builds the libFuzzer targets in fuzz/ (the protocol library only, with
# -fsanitize=fuzzer,address,undefined, Clang, in its own build dir FUZZ_BUILD_DIR, default
# build-fuzz; ccache if present) and runs each for FUZZ_SECONDS (default 15) from its committed
# seed corpus fuzz/corpus/<target>/ (and dictionary fuzz/<target>.dict). New inputs go to a scratch corpus in the build dir, so the
# committed one only changes by hand. Any crash, sanitizer report or failed invariant exits
# non-zero (the reproducer is left in the build dir as crash-* / leak-* / timeout-*).
# Usage: scripts/fuzz.sh [target...]   (default: every target; names as in fuzz/corpus/)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-$(nproc)}
SECONDS_EACH=${FUZZ_SECONDS:-15}
if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz: clang++ not found (scripts/install-deps.sh installs clang)" >&2
  exit 1
fi
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S fuzz -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= \
  "${launcher[@]}" >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
cmake --build "$BUILD_DIR" -j"$JOBS" --target "${targets[@]/#/fuzz_}"
for target in "${targets[@]}"; do
  scratch="$BUILD_DIR/corpus/$target"
  mkdir -p "$scratch"
  echo "fuzz: $target for ${SECONDS_EACH}s"
  # A dictionary of the protocol's field names and edge numbers makes 15 s go further.
  dict=()
  if [ -f "fuzz/$target.dict" ]; then dict=(-dict="$ROOT/fuzz/$target.dict"); fi
  # -timeout: one input taking over 5 s is a hang; -rss_limit_mb: one using 1 GiB is a blow-up.
  (cd "$BUILD_DIR" && "./fuzz_$target" -max_total_time="$SECONDS_EACH" -timeout=5 \
     -rss_limit_mb=1024 -print_final_stats=0 "${dict[@]}" "corpus/$target" "$ROOT/fuzz/corpus/$target" \
     2>"fuzz_$target.log") || {
    tail -n 60 "$BUILD_DIR/fuzz_$target.log" >&2
    echo "fuzz: $target FAILED (log: $BUILD_DIR/fuzz_$target.log)" >&2
    exit 1
  }
  grep -E '^Done [0-9]+ runs' "$BUILD_DIR/fuzz_$target.log" || tail -n 1 "$BUILD_DIR/fuzz_$target.log"
done
echo "fuzz: every target ran without a failure"
