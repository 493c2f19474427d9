#!/usr/bin/env bash
# Issue 16 (hardening), through the whole program: every case below is a defect that was
# found by abusing mrsim, and each check failed before its fix. Prints TAP-like lines and
# ends with "N passed, N failed"; exits 1 on any failure.
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
runs() { sqlite3 "$1" 'SELECT count(*) FROM runs' 2>/dev/null || echo none; }

# A small scenario: a run takes a fraction of a second.
cat >"$tmp/small.json" <<'JSON'
{"name": "small", "duration": "5s", "seed": 3,
 "regions": [{"name": "a", "location": [0, 0], "servers": 4},
             {"name": "b", "location": [10, 10], "servers": 4}],
 "clients": [{"location": [0, 0], "rate": 200}],
 "faults": [{"kind": "region_down", "region": "a", "at": "2s", "for": "1s"}]}
JSON

# --- D1: a fault after the end of the run is refused, not a segfault -----------------------
sed 's/"at": "2s"/"at": "1000h"/' "$tmp/small.json" >"$tmp/late.json"
"$mrsim" run "$tmp/late.json" --quiet --db "$tmp/d1.db" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'faults\[0\].at: expected a time before the end of the run' "$tmp/err"
then ok "D1: fault at 1000h in a 5s run refused"
else fail "D1: fault at 1000h: exit $rc, $(cat "$tmp/err")"; fi

# --- D2 and out of memory: an error naming the scenario, nothing stored ----------------------
cat >"$tmp/overload.json" <<'JSON'
{"name": "overload", "duration": "20s",
 "regions": [{"name": "a", "location": [0, 0], "servers": 1}],
 "clients": [{"location": [0, 0], "rate": 200000, "timeout": "10s", "retries": 0}]}
JSON
"$mrsim" run "$tmp/overload.json" --quiet --db "$tmp/oom.db" --max-memory 64M >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "overload.json: out of memory growing the request pool" "$tmp/err" \
   && [ "$(runs "$tmp/oom.db")" != 1 ]
then ok "out of memory mid-run: exit 1, message, nothing stored"
else fail "out of memory mid-run: exit $rc, runs $(runs "$tmp/oom.db"), $(cat "$tmp/err")"; fi
"$mrsim" run "$tmp/small.json" --quiet --db "$tmp/oom.db" --max-memory 256M >/dev/null 2>"$tmp/err"
if [ $? -eq 0 ] && [ "$(runs "$tmp/oom.db")" = 1 ]; then ok "--max-memory 256M: the run fits"
else fail "--max-memory 256M: $(cat "$tmp/err")"; fi
for bad in 0x10 1e9 12Q -1; do
  "$mrsim" run "$tmp/small.json" --quiet --db "$tmp/oom.db" --max-memory "$bad" >/dev/null 2>"$tmp/err"
  if [ $? -eq 2 ]; then ok "--max-memory $bad refused"
  else fail "--max-memory $bad accepted"; fi
done
sed 's/"rate": 200}/"rate": 1e9}/' "$tmp/small.json" >"$tmp/rate.json"
"$mrsim" validate "$tmp/rate.json" >/dev/null 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q 'clients\[0\].rate: .*would need about' "$tmp/err"; then ok "D2: rate 1e9 refused at load"
else fail "D2: rate 1e9: $(cat "$tmp/err")"; fi

# --- D3: merge refuses to write into one of its shards; the duplicate message names the seed -
sed 's/"rate": 200}\]/"rate": 50}], "sweep": {"vary": {"regions[*].servers": "1..2"}, "seeds": 2}/' \
  "$tmp/small.json" >"$tmp/sweep.json"
for k in 1 2; do
  "$mrsim" sweep "$tmp/sweep.json" --shard $k/2 --db "$tmp/shard-$k.db" --quiet >/dev/null 2>"$tmp/err" \
    || fail "D3: shard $k: $(cat "$tmp/err")"
done
sum1=$(sha256sum <"$tmp/shard-1.db")
"$mrsim" merge "$tmp/shard-1.db" "$tmp/shard-1.db" "$tmp/shard-2.db" >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q "the output is also a shard" "$tmp/err" \
   && [ "$(sha256sum <"$tmp/shard-1.db")" = "$sum1" ]
then ok "D3: merge OUT=shard refused, shard untouched"
else fail "D3: merge OUT=shard: exit $rc, $(cat "$tmp/err")"; fi
ln -s shard-1.db "$tmp/link.db"
"$mrsim" merge "$tmp/link.db" "$tmp/shard-1.db" "$tmp/shard-2.db" >/dev/null 2>"$tmp/err"
if [ $? -eq 1 ] && [ "$(sha256sum <"$tmp/shard-1.db")" = "$sum1" ]; then ok "D3: merge OUT=symlink to a shard refused"
else fail "D3: merge through a symlink: $(cat "$tmp/err")"; fi
cp "$tmp/shard-1.db" "$tmp/copy-1.db"
"$mrsim" merge "$tmp/m.db" "$tmp/shard-1.db" "$tmp/copy-1.db" >/dev/null 2>"$tmp/err"
# The sweep's seeds are 3 and 4 (the scenario's seed 3, 2 seeds): a seed index (0, 1) in
# the message is the old defect.
if [ $? -eq 1 ] && grep -Eq "point [0-9]+ \(seed [34]\) is in both" "$tmp/err"
then ok "D3: the duplicate-point message names the seed"
else fail "D3: duplicate message: $(cat "$tmp/err")"; fi

# --- D5: commands that only read open the database read-only -------------------------------
: >"$tmp/empty.db"
"$mrsim" plot "$tmp/empty.db" --out "$tmp/plots" >/dev/null 2>"$tmp/err"
if [ ! -s "$tmp/empty.db" ]; then ok "D5: plot on an empty file writes nothing into it"
else fail "D5: plot wrote $(stat -c %s "$tmp/empty.db") bytes into an empty file"; fi
"$mrsim" run "$tmp/small.json" --quiet --db "$tmp/ro/runs.db" >/dev/null 2>"$tmp/err" \
  || fail "D5: run into ro/: $(cat "$tmp/err")"
sum=$(sha256sum <"$tmp/ro/runs.db")
chmod a-w "$tmp/ro/runs.db" "$tmp/ro"
# Root may write anywhere: the read-only directory is only read-only for another user.
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  if command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null
  then as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
  else as_user=(skip); fi
fi
if [ "${as_user[0]:-}" = skip ]; then
  ok "D5: read-only directory # SKIP no way to drop root here"
else
  chmod o+rx "$tmp"
  mkdir -m 777 "$tmp/out-nobody"
  HOME=/nonexistent "${as_user[@]}" "$mrsim" report "$tmp/ro/runs.db" \
    --out "$tmp/out-nobody/report.html" >/dev/null 2>"$tmp/err.ro"; rc=$?
  HOME=/nonexistent "${as_user[@]}" "$mrsim" db check "$tmp/ro/runs.db" >"$tmp/out.ro" 2>>"$tmp/err.ro"; rc2=$?
  if [ $rc -eq 0 ] && [ -s "$tmp/out-nobody/report.html" ] && [ $rc2 -eq 0 ] \
     && grep -q "ok (schema version" "$tmp/out.ro" && [ ! -e "$tmp/ro/runs.db-shm" ] \
     && [ "$(sha256sum <"$tmp/ro/runs.db")" = "$sum" ]
  then ok "D5: a read-only database in a read-only directory is reported and checked, nothing created"
  else fail "D5: read-only directory: report exit $rc, db check exit $rc2, $(cat "$tmp/err.ro")"; fi
fi
chmod u+w "$tmp/ro"

# --- D8: a damaged database is refused before appending; --tolerance is decimal ------------
cp "$tmp/d1.db" "$tmp/bad.db" 2>/dev/null || "$mrsim" run "$tmp/small.json" --quiet --db "$tmp/bad.db" >/dev/null
"$mrsim" run "$tmp/small.json" --quiet --db "$tmp/bad.db" >/dev/null 2>&1
python3 - "$tmp/bad.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ps = db.execute("PRAGMA page_size").fetchone()[0]
root = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'metrics'").fetchone()[0]
db.close()
with open(sys.argv[1], "r+b") as f:  # the metrics table's root page claims 65535 cells
    f.seek((root - 1) * ps + 3); f.write(b"\xff\xff")
PY
before=$(sha256sum <"$tmp/bad.db")
for cmd in run compare check; do
  "$mrsim" $cmd "$tmp/small.json" --quiet --db "$tmp/bad.db" >/dev/null 2>"$tmp/err"; rc=$?
  if [ $rc -ne 0 ] && grep -q "the results database is damaged" "$tmp/err" \
     && [ "$(sha256sum <"$tmp/bad.db")" = "$before" ]
  then ok "D8: $cmd refuses a damaged database, leaves it as it was"
  else fail "D8: $cmd on a damaged database: exit $rc, $(cat "$tmp/err")"; fi
done
"$mrsim" db check "$tmp/bad.db" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -q "damaged" "$tmp/err"; then ok "D8: db check reports the damage"
else fail "D8: db check: exit $rc, $(cat "$tmp/err")"; fi
for tol in 0x10 1e2 inf 5%% " 5" 5x; do
  "$mrsim" check "$tmp/small.json" --quiet --db "$tmp/tol.db" --baseline "$tmp/tol.db" \
    --tolerance "$tol" >/dev/null 2>"$tmp/err"
  if [ $? -eq 2 ] && grep -q "tolerance" "$tmp/err"; then ok "D8: --tolerance '$tol' refused"
  else fail "D8: --tolerance '$tol' accepted: $(cat "$tmp/err")"; fi
done

# --- D4: output paths that are not regular files are written in place ---------------------
sed 's/"faults"/"expect": [{"metric": "availability", "min": 0.1}], "faults"/' "$tmp/small.json" >"$tmp/exp.json"
mkfifo "$tmp/fifo.xml"
timeout 60 cat "$tmp/fifo.xml" >"$tmp/fifo.out" &
reader=$!
"$mrsim" check "$tmp/exp.json" --quiet --db "$tmp/d4.db" --junit "$tmp/fifo.xml" >/dev/null 2>"$tmp/err"
rc=$?
wait $reader
if [ $rc -eq 0 ] && [ -p "$tmp/fifo.xml" ] && grep -q "<testsuites" "$tmp/fifo.out"
then ok "D4: --junit FIFO written in place, still a FIFO"
else fail "D4: --junit FIFO: exit $rc, $(cat "$tmp/err")"; fi
echo old >"$tmp/real.xml"; chmod 640 "$tmp/real.xml"; ln -s real.xml "$tmp/link.xml"
"$mrsim" check "$tmp/exp.json" --quiet --db "$tmp/d4.db" --junit "$tmp/link.xml" >/dev/null 2>"$tmp/err"
if [ -L "$tmp/link.xml" ] && grep -q "<testsuites" "$tmp/real.xml" \
   && [ "$(stat -c %a "$tmp/real.xml")" = 640 ]
then ok "D4: --junit symlink followed: the link stays, its target is written, its mode kept"
else fail "D4: --junit symlink: $(ls -l "$tmp/link.xml" "$tmp/real.xml") $(cat "$tmp/err")"; fi
"$mrsim" check "$tmp/exp.json" --quiet --db "$tmp/d4.db" --junit - >"$tmp/stdout.xml" 2>"$tmp/err"
if grep -q "<testsuites" "$tmp/stdout.xml" && [ ! -e ./- ]; then ok "D4: --junit - writes to stdout"
else fail "D4: --junit -: $(cat "$tmp/err")"; fi
ln -s report-target.html "$tmp/report-link.html"
"$mrsim" report "$tmp/d4.db" --out "$tmp/report-link.html" >/dev/null 2>"$tmp/err"
if [ -L "$tmp/report-link.html" ] && grep -q "<html" "$tmp/report-target.html" 2>/dev/null
then ok "D4: --out of report through a dangling symlink creates its target"
else fail "D4: report through a symlink: $(cat "$tmp/err")"; fi
if [ -w /dev/full ] && [ -c /dev/full ]; then
  "$mrsim" check "$tmp/exp.json" --quiet --db "$tmp/d4.db" --junit /dev/full >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc -ne 0 ] && [ -c /dev/full ] && grep -q "No space left" "$tmp/err"
  then ok "D4: --junit /dev/full: an error, and /dev/full is still a device"
  else fail "D4: --junit /dev/full: exit $rc, $(ls -l /dev/full)"; fi
fi
if ls -a "$tmp" | grep -q 'mrsim-tmp'; then fail "D4: temporary files left: $(ls -a "$tmp" | grep mrsim-tmp)"
else ok "D4: no temporary file left beside the outputs"; fi

# --- D6: signals during long commands leave nothing behind; workers die with their parent --
mkdir "$tmp/T"
sed 's/"duration": "5s"/"duration": "3000s"/; s/"rate": 200}\]/"rate": 3000}], "sweep": {"vary": {"regions[*].servers": "4..8"}}/' \
  "$tmp/small.json" >"$tmp/long.json"
TMPDIR="$tmp/T" "$mrsim" sweep "$tmp/long.json" --jobs 2 --db "$tmp/d6.db" --quiet >/dev/null 2>&1 &
pid=$!
sleep 1.5
kill -TERM $pid; wait $pid; rc=$?
left=$(find "$tmp/T" -mindepth 1 | head -3)
if [ $rc -ne 0 ] && [ -z "$left" ]; then ok "D6: SIGTERM during sweep --jobs 2 leaves no temporary files"
else fail "D6: sweep SIGTERM: exit $rc, left: $left"; fi
TMPDIR="$tmp/T" "$mrsim" sweep "$tmp/long.json" --jobs 2 --db "$tmp/d6k.db" --quiet >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do workers=$(pgrep -P $pid | tr '\n' ' '); [ -n "$workers" ] && break; sleep 0.05; done
kill -KILL $pid; wait $pid 2>/dev/null
sleep 0.5
alive=""
# A zombie is dead: its new parent has not reaped it yet (PID 1 in a container may not).
for w in $workers; do
  st=$(ps -o stat= -p "$w" 2>/dev/null)
  [ -n "$st" ] && [ "${st#Z}" = "$st" ] && alive="$alive $w"
done
if [ -n "$workers" ] && [ -z "$alive" ]; then ok "D6: SIGKILL of a sweep: its workers die with it"
else fail "D6: SIGKILL of a sweep: workers '$workers', still alive '$alive'"; kill -KILL $alive 2>/dev/null; fi
rm -rf "$tmp/T"/*
"$mrsim" run "$tmp/small.json" --quiet --db "$tmp/rep.db" >/dev/null 2>&1
# Slow gnuplot down (a pause in the script every plot loads), so that the signal surely
# comes while the report's temporary folder exists.
cp -r "$root/analysis/plots" "$tmp/slowplots"
echo 'pause 2' >>"$tmp/slowplots/common.gp"
for sig in INT TERM; do
  mkdir "$tmp/rep-$sig"
  # A background job of a non-interactive shell starts with SIGINT ignored: undo that, as
  # a terminal's Ctrl-C would find it.
  MRSIM_PLOT_DIR="$tmp/slowplots" python3 -c 'import os, signal, sys
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$mrsim" report "$tmp/rep.db" --out "$tmp/rep-$sig/r.html" \
    >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 100); do ls -A "$tmp/rep-$sig" | grep -q mrsim-tmp && break; sleep 0.02; done
  seen=$(ls -A "$tmp/rep-$sig")
  kill -$sig $pid; wait $pid; rc=$?
  sleep 0.3 # gnuplot, killed or not, must not bring it back
  if [ -n "$seen" ] && [ -z "$(ls -A "$tmp/rep-$sig")" ] && [ $rc -gt 128 ]
  then ok "D6: SIG$sig during report leaves nothing next to its output (exit $rc)"
  else fail "D6: report SIG$sig: seen '$seen', exit $rc, left: $(ls -A "$tmp/rep-$sig")"; fi
done

# --- D7: event details cut at a character boundary, never inside one ----------------------
long=$(python3 -c 'print("rr" + "\u00e9" * 70)')
sed "s/\"a\"/\"$long\"/g" "$tmp/small.json" >"$tmp/utf8.json"
"$mrsim" run "$tmp/utf8.json" --quiet --db "$tmp/utf8.db" >/dev/null 2>"$tmp/err"
if [ $? -eq 0 ] && python3 - "$tmp/utf8.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); db.text_factory = bytes
rows = db.execute("SELECT detail FROM events").fetchall()
long = [r[0] for r in rows if len(r[0]) >= 120]
assert long, "no long event detail to check"
for (d,) in rows:
    d.decode("utf-8")  # raises on a cut character
PY
then ok "D7: long event details are valid UTF-8"
else fail "D7: event details: $(cat "$tmp/err")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
