#!/usr/bin/env bash
# Issue 14, who owns the data: the scenarios whose expectations carry the claims, checked at
# the seeds they name (each file's "seeds"), through the program. A scenario whose claim no
# longer holds makes mrsim check exit 1 and this test fail.
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
for name in eu-residency profiles-shared profiles-owned leaderless-outage patterns-side-by-side geo-partitioned-outage; do
  f="$root/scenarios/$name.json"
  if "$mrsim" check "$f" --db "$tmp/geo.db" >"$tmp/out" 2>"$tmp/err"; then
    echo "ok - check $name"; passed=$((passed + 1))
  else
    echo "not ok - check $name"; cat "$tmp/out" "$tmp/err"; failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
