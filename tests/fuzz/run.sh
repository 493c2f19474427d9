#!/usr/bin/env bash
# Run every libFuzzer harness of a -Dfuzz=enabled build for a bounded time each, under the
# sanitizers it was built with, and fail on any finding (crash, sanitizer report, leak,
# timeout, out-of-memory). Usage: tests/fuzz/run.sh BUILD_DIR SECONDS_EACH [HARNESS...]
# New corpus entries go to $FUZZ_WORK (default: a temporary directory, removed at the end);
# crash reproducers to $FUZZ_WORK/artifacts. One summary line per harness: executions,
# coverage (edges), corpus size, findings.
set -euo pipefail
build=${1:?usage: run.sh BUILD_DIR SECONDS_EACH [HARNESS...]}
secs=${2:?usage: run.sh BUILD_DIR SECONDS_EACH [HARNESS...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(scn run sweep alloc)
work=${FUZZ_WORK:-}
if [ -z "$work" ]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work/artifacts"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1
seeds() {
  case $1 in
    scn)   echo "$root/tests/corpus/good $root/tests/corpus/bad $root/scenarios $root/tests/fuzz/seeds/scn" ;;
    run)   echo "$root/tests/corpus/good $root/scenarios $root/tests/fuzz/seeds/scn" ;;
    sweep) echo "$root/tests/fuzz/seeds/sweep" ;;
    alloc) echo "$root/tests/corpus/good $root/tests/fuzz/seeds/scn" ;;
  esac
}
status=0
for h in "${harnesses[@]}"; do
  mkdir -p "$work/$h"
  log="$work/$h.log"
  # -timeout: one input taking longer is a finding (a run that does not end);
  # -rss_limit_mb: so is a process that outgrows 2 GB.
  # shellcheck disable=SC2046
  if "$build/tests/fuzz/fuzz-$h" -max_total_time="$secs" -timeout=30 -rss_limit_mb=2048 \
       -max_len=16384 -dict="$root/tests/fuzz/json.dict" -print_final_stats=1 \
       -artifact_prefix="$work/artifacts/$h-" "$work/$h" $(seeds "$h") >"$log" 2>&1; then
    found=0
  else
    found=1; status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  corp=$(find "$work/$h" -type f | wc -l)
  echo "fuzz-$h: ${secs}s, ${execs:-?} executions, cov ${cov:-?} edges, ft ${ft:-?}, new corpus $corp, findings $found"
  if [ $found -ne 0 ]; then
    grep -E 'ERROR|SUMMARY|runtime error|internal error|Test unit written' "$log" | head -20 >&2
  fi
done
exit $status
