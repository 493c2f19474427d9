#!/usr/bin/env bash
# mrsim check's parallel and baseline options, through the program: --jobs 1 and --jobs 2 print
# the same lines and write the same JUnit file and the same runs; --baseline passes an
# unchanged scenario, catches a slower region as REGRESSION lines (exit 1) that the JUnit file
# has as failed test cases (parsed back with Python's XML parser), lets --tolerance widen the
# margin, reports a scenario with no baseline run, and refuses an unreadable baseline (exit 2).
# Prints TAP-like lines and ends with "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }

# 1. --jobs 1 and --jobs 2: the same bytes on stdout, in the JUnit file, and the same runs.
"$mrsim" check "$root/scenarios" --jobs 1 --db "$tmp/j1.db" --junit "$tmp/j1.xml" \
  >"$tmp/j1.out" 2>"$tmp/j1.err"
rc1=$?
"$mrsim" check "$root/scenarios" --jobs 2 --db "$tmp/j2.db" --junit "$tmp/j2.xml" \
  >"$tmp/j2.out" 2>"$tmp/j2.err"
rc2=$?
if [ $rc1 -eq $rc2 ] && [ -s "$tmp/j1.out" ] && cmp -s "$tmp/j1.out" "$tmp/j2.out"; then
  ok "--jobs 1 and 2 print the same lines (exit $rc1)"
else fail "--jobs 1 and 2 print the same lines: exit $rc1/$rc2, $(diff "$tmp/j1.out" "$tmp/j2.out" | head -5)"; fi
if [ -s "$tmp/j1.xml" ] && cmp -s "$tmp/j1.xml" "$tmp/j2.xml"; then ok "--jobs 1 and 2 write the same JUnit"
else fail "--jobs 1 and 2 write the same JUnit"; fi
# Runs land in another order with two workers; as sets they are the same.
q="select scenario, pattern, seed, scenario_sha256, events from runs order by scenario, pattern"
m="select r.scenario, r.pattern, m.scope, m.key, m.metric, m.value from metrics m
   join runs r on r.id = m.run_id order by r.scenario, r.pattern, m.rowid"
if [ "$(sqlite3 "$tmp/j1.db" "$q")" = "$(sqlite3 "$tmp/j2.db" "$q")" ] &&
   [ "$(sqlite3 "$tmp/j1.db" "$m" | md5sum)" = "$(sqlite3 "$tmp/j2.db" "$m" | md5sum)" ] &&
   [ "$(sqlite3 "$tmp/j2.db" "select count(*) from runs")" -gt 1 ]; then
  ok "--jobs 2 stores the same runs and metrics"
else fail "--jobs 2 stores the same runs and metrics"; fi
if [ "$(sqlite3 "$tmp/j2.db" "pragma journal_mode")" = wal ]; then ok "the results database is in WAL mode"
else fail "the results database is in WAL mode"; fi

# 2. Baselines. gate.json: two regions; slow.json: the same scenario (same name) with
# eu-west-1's reads ten times slower.
cat >"$tmp/gate.json" <<'JSON'
{"name": "gate", "duration": "5s", "seed": 3,
 "regions": [{"name": "us-east-1", "servers": 4,
              "service": {"read": {"dist": "lognormal", "median": "2ms", "sigma": 0.5}}},
             {"name": "eu-west-1", "servers": 4,
              "service": {"read": {"dist": "lognormal", "median": "2ms", "sigma": 0.5}}}],
 "clients": [{"location": "us-east-1", "rate": 100}, {"location": "eu-west-1", "rate": 100}],
 "expect": [{"metric": "availability", "min": 0.99}]}
JSON
sed 's/"median": "2ms", "sigma": 0.5}}}],/"median": "20ms", "sigma": 0.5}}}],/' \
  "$tmp/gate.json" >"$tmp/slow.json"
sed 's/"name": "gate"/"name": "renamed"/' "$tmp/gate.json" >"$tmp/renamed.json"
if ! cmp -s "$tmp/gate.json" "$tmp/slow.json"; then ok "slow.json differs"; else fail "slow.json differs"; fi

"$mrsim" check "$tmp/gate.json" --quiet --db "$tmp/base.db" >/dev/null 2>&1
"$mrsim" check "$tmp/gate.json" --db "$tmp/new.db" --baseline "$tmp/base.db" \
  >"$tmp/b.out" 2>"$tmp/b.err"
rc=$?
if [ $rc -eq 0 ] && grep -q '^PASS  .*gate.json  \[independent\] baseline: [0-9]* metrics within 5% of run 1$' "$tmp/b.out" &&
   [ "$(tail -n 1 "$tmp/b.out")" = "1 passed, 0 failed, 0 regressions, 0 without baseline" ]; then
  ok "unchanged scenario passes its baseline"
else fail "unchanged scenario passes its baseline: exit $rc, $(cat "$tmp/b.out" "$tmp/b.err")"; fi

"$mrsim" check "$tmp/slow.json" --db "$tmp/new.db" --baseline "$tmp/base.db" \
  --junit "$tmp/slow.xml" >"$tmp/s.out" 2>"$tmp/s.err"
rc=$?
n=$(grep -c '^REGRESSION ' "$tmp/s.out")
if [ $rc -eq 1 ] &&
   grep -Eq '^REGRESSION .*slow.json  \[independent\] p99_ms\{region=eu-west-1\}: baseline [0-9.]+, now [0-9.]+, \+[0-9.]+%$' "$tmp/s.out" &&
   [ "$(tail -n 1 "$tmp/s.out")" = "1 passed, 0 failed, $n regressions, 0 without baseline" ] &&
   ! grep -q '{region=us-east-1}' "$tmp/s.out"; then
  ok "slower region: $n REGRESSION lines, exit 1"
else fail "slower region: exit $rc, $(cat "$tmp/s.out" "$tmp/s.err")"; fi

# The JUnit file, parsed back: one failed test case per regression, the expectation passed.
python3 - "$tmp/slow.xml" "$n" >"$tmp/py.out" 2>&1 <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
n = int(sys.argv[2])
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
assert len(suites) == 1
cases = suites[0].findall("testcase")
failed = [c for c in cases if c.find("failure") is not None]
assert len(failed) == n and n > 0, (len(failed), n)
assert int(root.get("failures")) == n and int(root.get("tests")) == n + 1
assert all(c.get("name").startswith("[independent] baseline ") for c in failed)
names = [c.get("name") for c in failed]
assert "[independent] baseline p99_ms{region=eu-west-1}" in names, names
msg = [c.find("failure").get("message") for c in failed
       if c.get("name") == "[independent] baseline p99_ms{region=eu-west-1}"][0]
assert msg.startswith("baseline ") and msg.endswith("(tolerance 5%)"), msg
assert [c.get("name") for c in cases if c.find("failure") is None] == \
       ["[independent] availability >= 0.99"]
print("ok")
PY
if [ "$(cat "$tmp/py.out")" = ok ]; then ok "JUnit has a failed case per regression"
else fail "JUnit has a failed case per regression: $(cat "$tmp/py.out")"; fi

"$mrsim" check "$tmp/slow.json" --quiet --db "$tmp/new.db" --baseline "$tmp/base.db" \
  --tolerance 5000 >"$tmp/t.out" 2>&1
rc=$?
if [ $rc -eq 0 ] && [ "$(cat "$tmp/t.out")" = "1 passed, 0 failed, 0 regressions, 0 without baseline" ]; then
  ok "--tolerance 5000 lets the slower region pass"
else fail "--tolerance 5000: exit $rc, $(cat "$tmp/t.out")"; fi

"$mrsim" check "$tmp/renamed.json" --db "$tmp/new.db" --baseline "$tmp/base.db" \
  >"$tmp/r.out" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q '^ERROR .*renamed.json  \[independent\] baseline: no run of scenario "renamed", pattern "independent", seed 3 in ' "$tmp/r.out" &&
   [ "$(tail -n 1 "$tmp/r.out")" = "1 passed, 0 failed, 0 regressions, 1 without baseline" ]; then
  ok "a scenario without a baseline run is reported and fails"
else fail "scenario without baseline: exit $rc, $(cat "$tmp/r.out")"; fi

# The same file as --db and --baseline: the baseline is what was there before this check.
cp "$tmp/base.db" "$tmp/same.db"
"$mrsim" check "$tmp/slow.json" --quiet --db "$tmp/same.db" --baseline "$tmp/same.db" >/dev/null 2>&1
rc1=$?
"$mrsim" check "$tmp/slow.json" --quiet --db "$tmp/same.db" --baseline "$tmp/same.db" >/dev/null 2>&1
rc2=$?
if [ $rc1 -eq 1 ] && [ $rc2 -eq 0 ]; then ok "one file as --db and --baseline compares with the run before"
else fail "one file as --db and --baseline: exit $rc1 then $rc2 (want 1 then 0)"; fi

# 3. Usage and input errors.
"$mrsim" check "$tmp/gate.json" --db "$tmp/new.db" --baseline "$tmp/none.db" >"$tmp/e.out" 2>"$tmp/e.err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "$tmp/none.db" "$tmp/e.err" && [ ! -e "$tmp/none.db" ]; then
  ok "a missing baseline exits 2 and is not created"
else fail "missing baseline: exit $rc, $(cat "$tmp/e.err")"; fi
"$mrsim" check "$tmp/gate.json" --db "$tmp/new.db" --baseline "$tmp/gate.json" >/dev/null 2>"$tmp/e.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "not a database" "$tmp/e.err"; then ok "a baseline that is not a database exits 2"
else fail "baseline not a database: exit $rc, $(cat "$tmp/e.err")"; fi
for args in "--jobs 0" "--jobs x" "--jobs 2x" "--tolerance 5" \
            "--baseline $tmp/base.db --tolerance -1" "--baseline $tmp/base.db --tolerance abc"; do
  # shellcheck disable=SC2086
  "$mrsim" check "$tmp/gate.json" --db "$tmp/new.db" $args >/dev/null 2>"$tmp/e.err"
  rc=$?
  if [ $rc -eq 2 ] && [ -s "$tmp/e.err" ]; then ok "usage error: $args"
  else fail "usage error: $args: exit $rc"; fi
done
"$mrsim" check "$tmp/gate.json" --quiet --db "$tmp/new.db" --baseline "$tmp/base.db" \
  --tolerance 2.5% >/dev/null 2>&1 && ok "--tolerance 2.5% is accepted" || fail "--tolerance 2.5%"

# 4. Several seeds: each expectation against the mean over the seeds, with its interval.
"$mrsim" check "$root/scenarios/merge-vs-lww.json" --seeds 3 --jobs 2 --db "$tmp/s.db" \
  >"$tmp/s.out" 2>&1
n=$(sqlite3 "$tmp/s.db" "select count(*) from runs")
if grep -q "over 3 seeds" "$tmp/s.out" && [ "$n" -eq 6 ]; then ok "--seeds 3: means over 3 seeds, 6 runs"
else fail "--seeds 3: runs=$n, $(head -3 "$tmp/s.out")"; fi
for args in "--seeds 0" "--seeds x" "--seeds 1001"; do
  # shellcheck disable=SC2086
  "$mrsim" check "$tmp/gate.json" --db "$tmp/new.db" $args >/dev/null 2>"$tmp/e.err"
  rc=$?
  if [ $rc -eq 2 ] && [ -s "$tmp/e.err" ]; then ok "usage error: $args"
  else fail "usage error: $args: exit $rc"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
