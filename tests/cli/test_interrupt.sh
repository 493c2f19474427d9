#!/usr/bin/env bash
# The results database survives interruption. mrsim compare (runs in one process) and mrsim
# check --jobs 2 (runs in worker processes) are stopped mid-way, after some runs are stored
# and while others are running, by SIGINT and by SIGKILL; then the file passes
# PRAGMA integrity_check, holds no partial run (every run has exactly the metric and series
# rows a complete run of that scenario has, and no row belongs to a missing run), is still
# writable, and SIGINT gave exit status 130 without a JUnit report or leftover workers. A
# worker killed alone fails its own scenario and the check goes on.
# Prints TAP-like lines and ends with "N passed, N failed".
set -u
set -m   # job control: background jobs get their own process group and keep SIGINT
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }

if ! command -v sqlite3 >/dev/null; then echo "sqlite3 is missing"; exit 1; fi

# About half a second of work per run: long enough to be caught in the middle.
cat >"$tmp/long.json" <<'JSON'
{"name": "long", "duration": "120s", "seed": 3,
 "regions": [{"name": "us-east-1", "servers": 8}, {"name": "eu-west-1", "servers": 8}],
 "clients": [{"location": "us-east-1", "rate": 2000}, {"location": "eu-west-1", "rate": 2000}],
 "patterns": {"active-active": {"replication": {"mode": "async"}, "resolver": "lww"}}}
JSON
mkdir "$tmp/many"
for i in $(seq -w 1 16); do cp "$tmp/long.json" "$tmp/many/long-$i.json"; done

# What one complete run stores.
"$mrsim" run "$tmp/long.json" --quiet --db "$tmp/ref.db" >/dev/null 2>&1
ref_m=$(sqlite3 "$tmp/ref.db" "select count(*) from metrics")
ref_s=$(sqlite3 "$tmp/ref.db" "select count(*) from series")
if [ "${ref_m:-0}" -gt 0 ] && [ "${ref_s:-0}" -gt 0 ]; then ok "reference run: $ref_m metrics, $ref_s series rows"
else fail "reference run"; fi

runs_in() { sqlite3 "$1" "select count(*) from runs" 2>/dev/null || echo 0; }

# Wait until db holds at least n runs (at most 120 s); 0 when it does.
wait_runs() {
  local db=$1 n=$2 i
  for i in $(seq 1 1200); do
    [ -e "$db" ] && [ "$(runs_in "$db")" -ge "$n" ] && return 0
    sleep 0.1
  done
  return 1
}

# The database after an interruption: valid, whole runs only, still writable.
verify() {
  local what=$1 db=$2 total=$3
  local integrity partial orphans n
  integrity=$(sqlite3 "$db" "pragma integrity_check" 2>&1)
  partial=$(sqlite3 "$db" "select count(*) from runs r where
      (select count(*) from metrics m where m.run_id = r.id) != $ref_m or
      (select count(*) from series s where s.run_id = r.id) != $ref_s or
      (select count(*) from latency_hist h where h.run_id = r.id) = 0" 2>&1)
  orphans=$(sqlite3 "$db" "select (select count(*) from metrics where run_id not in
      (select id from runs)) + (select count(*) from series where run_id not in
      (select id from runs))" 2>&1)
  n=$(runs_in "$db")
  if [ "$integrity" = ok ]; then ok "$what: integrity_check ok"
  else fail "$what: integrity_check: $integrity"; fi
  if [ "$partial" = 0 ] && [ "$orphans" = 0 ]; then ok "$what: $n whole runs, no partial one"
  else fail "$what: partial runs $partial, orphan rows $orphans"; fi
  if [ "$n" -ge 2 ] && [ "$n" -lt "$total" ]; then ok "$what: stopped mid-way ($n of $total runs)"
  else fail "$what: stopped mid-way: $n of $total runs"; fi
  if "$mrsim" run "$tmp/long.json" --quiet --db "$db" >/dev/null 2>&1 &&
     [ "$(runs_in "$db")" -eq $((n + 1)) ]; then ok "$what: still writable"
  else fail "$what: still writable"; fi
}

# No process is left with our temporary directory on its command line (a worker).
no_leftovers() {
  sleep 0.5
  if ps -eo args= | grep -F -- "$tmp/" | grep -vq grep; then
    fail "$1: leftover processes: $(ps -eo pid=,args= | grep -F -- "$tmp/" | grep -v grep)"
  else ok "$1: no leftover processes"; fi
}

# 1. run: SIGINT in the middle of the only run stores nothing and exits 130.
sed 's/"duration": "120s"/"duration": "1200s"/' "$tmp/long.json" >"$tmp/longer.json"
"$mrsim" run "$tmp/longer.json" --quiet --db "$tmp/run.db" >/dev/null 2>&1 &
pid=$!
sleep 1
kill -s INT "$pid"
wait "$pid"
rc=$?
if [ $rc -eq 130 ] && [ "$(sqlite3 "$tmp/run.db" "pragma integrity_check")" = ok ] &&
   [ "$(runs_in "$tmp/run.db")" -eq 0 ]; then ok "run SIGINT: exit 130, nothing stored, database valid"
else fail "run SIGINT: exit $rc, $(runs_in "$tmp/run.db") runs"; fi

# 2. compare --seeds 40: runs in one process, one after another.
for sig in INT KILL; do
  db="$tmp/compare-$sig.db"
  "$mrsim" compare "$tmp/long.json" --seeds 40 --quiet --db "$db" >/dev/null 2>&1 &
  pid=$!
  if wait_runs "$db" 2; then kill -s "$sig" "$pid"; else fail "compare: no runs stored"; fi
  wait "$pid"
  rc=$?
  want=$([ "$sig" = INT ] && echo 130 || echo 137)
  if [ $rc -eq "$want" ]; then ok "compare SIG$sig: exit $rc"; else fail "compare SIG$sig: exit $rc, want $want"; fi
  verify "compare SIG$sig" "$db" 40
done

# 3. check --jobs 2: SIGINT to mrsim alone (it must stop its workers), and to the whole
# process group as a terminal's Ctrl-C does; SIGKILL to the group, as a CI runner does.
for how in INT-parent INT-group KILL-group; do
  db="$tmp/check-$how.db"
  sig=${how%%-*}
  "$mrsim" check "$tmp/many" --jobs 2 --quiet --db "$db" --junit "$tmp/junit-$how.xml" \
    >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  if wait_runs "$db" 2; then
    if [ "${how#*-}" = group ]; then kill -s "$sig" -- "-$pid"; else kill -s "$sig" "$pid"; fi
  else fail "check $how: no runs stored"; fi
  wait "$pid"
  rc=$?
  want=$([ "$sig" = INT ] && echo 130 || echo 137)
  if [ $rc -eq "$want" ]; then ok "check $how: exit $rc"; else fail "check $how: exit $rc, want $want ($(cat "$tmp/err"))"; fi
  if [ "$sig" = INT ]; then
    if grep -q "interrupted" "$tmp/err" && [ ! -e "$tmp/junit-$how.xml" ] &&
       ! grep -q "passed, " "$tmp/out"; then ok "check $how: says so, no summary, no JUnit report"
    else fail "check $how: $(cat "$tmp/out" "$tmp/err")"; fi
  fi
  no_leftovers "check $how"
  verify "check $how" "$db" 16
done

# 4. A worker killed on its own (a crash, the OOM killer) fails its scenario, not the check:
# the parent reports it, checks the others and ends normally with exit 1.
db="$tmp/check-worker.db"
"$mrsim" check "$tmp/many" --jobs 2 --quiet --db "$db" --junit "$tmp/junit-worker.xml" \
  >"$tmp/out" 2>"$tmp/err" &
pid=$!
worker=""
if wait_runs "$db" 1; then
  # A worker may finish its task between pgrep and kill (on a loaded machine the window is
  # wide), so kill one until the parent reports a killed task, or it has ended.
  for _ in $(seq 1 50); do
    worker=$(pgrep -P "$pid" | head -n 1)
    [ -n "$worker" ] && kill -s KILL "$worker" 2>/dev/null
    sleep 0.1
    grep -q "killed by signal 9" "$tmp/err" && break
    kill -0 "$pid" 2>/dev/null || break
  done
fi
wait "$pid"
rc=$?
if [ -n "$worker" ] && [ $rc -eq 1 ] && grep -q "killed by signal 9" "$tmp/err" &&
   [ "$(tail -n 1 "$tmp/out")" = "0 passed, 0 failed" ] &&
   grep -q '<error message="the process running it was killed by signal 9"' "$tmp/junit-worker.xml" &&
   [ "$(runs_in "$db")" -ge 15 ]; then
  # 16 when the worker had just stored its run as it was killed
  ok "a killed worker fails its scenario only (exit 1, $(runs_in "$db") of 16 runs stored)"
else fail "killed worker: worker '$worker', exit $rc, $(runs_in "$db") runs, $(cat "$tmp/out" "$tmp/err")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
