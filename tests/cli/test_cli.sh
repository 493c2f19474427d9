#!/usr/bin/env bash
# Whole-program tests of the mrsim command line: every shipped scenario validates and runs,
# runs are deterministic, every broken scenario in the corpus is refused with its JSON path,
# and bad usage exits 2. Prints TAP-like lines and ends with "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0

ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }

# 1. Every scenario in scenarios/ validates and runs to completion.
for f in "$root"/scenarios/*.json; do
  name=$(basename "$f")
  if "$mrsim" validate "$f" >/dev/null 2>"$tmp/err"; then ok "validate $name"
  else fail "validate $name: $(cat "$tmp/err")"; fi
  if "$mrsim" run "$f" --quiet --db "$tmp/runs.db" >"$tmp/out" 2>"$tmp/err"; then ok "run $name"
  else fail "run $name: $(cat "$tmp/err")"; fi
done

# 2. Determinism: the same scenario and seed give the same JSON, wall-clock fields aside.
f="$root/scenarios/partition.json"
strip_wall() { sed -E 's/"wall_s": *[-0-9.eE+]+/"wall_s": W/g'; }
"$mrsim" run "$f" --json --quiet --db "$tmp/a.db" | strip_wall >"$tmp/a.json"
"$mrsim" run "$f" --json --quiet --db "$tmp/b.db" | strip_wall >"$tmp/b.json"
if [ -s "$tmp/a.json" ] && cmp -s "$tmp/a.json" "$tmp/b.json"; then ok "same seed, same JSON"
else fail "same seed, same JSON: $(diff "$tmp/a.json" "$tmp/b.json" | head -5)"; fi
"$mrsim" run "$f" --json --quiet --seed 99 --db "$tmp/c.db" | strip_wall >"$tmp/c.json"
if ! cmp -s "$tmp/a.json" "$tmp/c.json"; then ok "another seed, other figures"
else fail "another seed, other figures"; fi
# The same with every moving part: two patterns, health checks, DNS, monitoring, alerts,
# and the stored series row for row.
f="$root/scenarios/region-outage-dns.json"
"$mrsim" run "$f" --json --quiet --db "$tmp/d.db" | strip_wall >"$tmp/d.json"
"$mrsim" run "$f" --json --quiet --db "$tmp/e.db" | strip_wall >"$tmp/e.json"
if [ -s "$tmp/d.json" ] && cmp -s "$tmp/d.json" "$tmp/e.json"; then ok "same seed, same JSON (health, DNS)"
else fail "same seed, same JSON (health, DNS): $(diff "$tmp/d.json" "$tmp/e.json" | head -5)"; fi
if command -v sqlite3 >/dev/null; then
  q="select t_s, region, metric, value from series order by rowid"
  if [ "$(sqlite3 "$tmp/d.db" "$q" | md5sum)" = "$(sqlite3 "$tmp/e.db" "$q" | md5sum)" ] &&
     [ "$(sqlite3 "$tmp/d.db" "select count(*) from series")" -gt 0 ]; then
    ok "same seed, same series"
  else fail "same seed, same series"; fi
fi

# 3. The corpus of broken scenarios: exit 1, the expected JSON path in the message, no crash.
# (Fields are split by hand: read would merge the two tabs around an empty path.)
while IFS= read -r line; do
  case "$line" in ""|\#*) continue ;; esac
  file=${line%%$'\t'*}; rest=${line#*$'\t'}
  path=${rest%%$'\t'*}; msg=${rest#*$'\t'}
  "$mrsim" validate "$root/tests/corpus/bad/$file" >/dev/null 2>"$tmp/err"
  rc=$?
  want="$file: "
  [ -n "$path" ] && want="$file: $path: "
  if [ $rc -eq 1 ] && grep -qF -- "$want" "$tmp/err" && grep -qF -- "$msg" "$tmp/err"; then
    ok "corpus $file"
  else
    fail "corpus $file: exit $rc, got: $(head -c 300 "$tmp/err")"
  fi
  "$mrsim" run "$root/tests/corpus/bad/$file" --quiet --db "$tmp/bad.db" >/dev/null 2>&1
  rc=$?
  if [ $rc -eq 1 ]; then ok "run refuses $file"; else fail "run refuses $file: exit $rc"; fi
done <"$root/tests/corpus/bad/EXPECTED"

# 4. Usage errors exit 2 with a message; --help exits 0.
for args in "frobnicate" "run" "run $root/scenarios/partition.json --seed -1" \
            "run $root/scenarios/partition.json --bogus" \
            "compare $root/scenarios/partition.json --seeds 0" "check" \
            "check $root/scenarios/merge-vs-lww.json --junit"; do
  # shellcheck disable=SC2086
  "$mrsim" $args >/dev/null 2>"$tmp/err"
  rc=$?
  if [ $rc -eq 2 ] && [ -s "$tmp/err" ]; then ok "usage error: $args"
  else fail "usage error: $args: exit $rc"; fi
done
for sub in run validate compare check; do
  if "$mrsim" "$sub" --help >/dev/null 2>&1; then ok "$sub --help"; else fail "$sub --help"; fi
done

# 5. A run lands in the database as one run per pattern (partition.json has three) with
#    its metrics.
if command -v sqlite3 >/dev/null; then
  n=$(sqlite3 "$tmp/a.db" "select count(*) from runs; " 2>/dev/null)
  m=$(sqlite3 "$tmp/a.db" "select count(*) from metrics where metric = 'p99_ms';" 2>/dev/null)
  if [ "$n" = 3 ] && [ "${m:-0}" -ge 9 ]; then ok "run stored in the database"
  else fail "run stored in the database: runs=$n p99 rows=$m"; fi
fi

# 6. compare: one table, a column per pattern; --json --seeds 2 is one parsable document.
f="$root/scenarios/merge-vs-lww.json"
if "$mrsim" compare "$f" --quiet --db "$tmp/cmp.db" >"$tmp/cmp.txt" 2>"$tmp/err"; then
  ok "compare merge-vs-lww"
else fail "compare merge-vs-lww: $(cat "$tmp/err")"; fi
header=$(grep '^metric' "$tmp/cmp.txt")
case "$header" in *lww*merge*) ok "compare header names both patterns" ;;
  *) fail "compare header names both patterns: '$header'" ;; esac
if [ ! -s "$tmp/err" ]; then ok "compare --quiet writes nothing on stderr"
else fail "compare --quiet writes nothing on stderr: $(head -c 300 "$tmp/err")"; fi
"$mrsim" compare "$f" --json --seeds 2 --quiet --db "$tmp/cmp.db" >"$tmp/cmp.json" 2>"$tmp/err"
rc=$?
if command -v python3 >/dev/null; then
  python3 - "$tmp/cmp.json" >"$tmp/py" 2>&1 <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["seeds"] == 2 and d["patterns"] == ["lww", "merge"], d["patterns"]
lost = [r for r in d["rows"] if r["metric"] == "lost_writes"][0]
assert lost["best"] == ["merge"] and lost["values"]["lww"]["n"] == 2, lost
EOF
  parsed=$?
else
  grep -q '"seeds": 2' "$tmp/cmp.json" && grep -q '"patterns": \["lww", "merge"\]' "$tmp/cmp.json"
  parsed=$?
fi
if [ $rc -eq 0 ] && [ $parsed -eq 0 ]; then ok "compare --json --seeds 2"
else fail "compare --json --seeds 2: exit $rc, $(head -c 300 "$tmp/py" 2>/dev/null) $(cat "$tmp/err")"; fi
if command -v sqlite3 >/dev/null; then
  n=$(sqlite3 "$tmp/cmp.db" "select count(*) from runs;" 2>/dev/null)
  if [ "$n" = 6 ]; then ok "compare stores every run"; else fail "compare stores every run: $n"; fi
fi

# 7. check: expectations pass (exit 0), fail (exit 1), name an unknown metric (exit 2: the
# scenario does not load, with the JSON path, before any run), or the scenario is broken
# (exit 2); --junit writes a JUnit report.
f="$root/scenarios/merge-vs-lww.json"
"$mrsim" check "$f" --quiet --db "$tmp/chk.db" >"$tmp/chk.txt" 2>"$tmp/err"
rc=$?
last=$(tail -n 1 "$tmp/chk.txt")
if [ $rc -eq 0 ] && printf '%s\n' "$last" | grep -Eq '^[1-9][0-9]* passed, 0 failed$'; then
  ok "check passing scenario: $last"
else fail "check passing scenario: exit $rc, '$last' $(cat "$tmp/err")"; fi
small() {   # small FILE EXPECT_JSON: a two-second, one-region scenario with these expectations
  cat >"$1" <<EOF
{"name": "small", "duration": "2s", "seed": 5,
 "regions": [{"name": "us-east-1", "servers": 2}],
 "clients": [{"location": "us-east-1", "rate": 50}],
 "expect": $2}
EOF
}
small "$tmp/impossible.json" '[{"metric": "availability", "min": 0.5},
                               {"metric": "p99_ms", "op": "read", "max": 0.000001}]'
"$mrsim" check "$tmp/impossible.json" --db "$tmp/chk.db" >"$tmp/chk.txt" 2>"$tmp/err"
rc=$?
if [ $rc -eq 1 ] && grep -q '^FAIL .*p99_ms{op=read} <= 1e-06  (measured [0-9.]*, expected' "$tmp/chk.txt" &&
   [ "$(tail -n 1 "$tmp/chk.txt")" = "1 passed, 1 failed" ]; then ok "check impossible expectation exits 1"
else fail "check impossible expectation: exit $rc, $(cat "$tmp/chk.txt" "$tmp/err")"; fi
small "$tmp/unknown.json" '[{"metric": "p99ms", "max": 250}]'
"$mrsim" check "$tmp/unknown.json" --db "$tmp/chk.db" >"$tmp/chk.txt" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF 'unknown.json: expect[0].metric: unknown metric "p99ms"; did you mean "p99_ms"?' "$tmp/err" &&
   [ "$(tail -n 1 "$tmp/chk.txt")" = "0 passed, 0 failed" ]; then ok "check unknown metric is a load error"
else fail "check unknown metric: exit $rc, $(cat "$tmp/chk.txt" "$tmp/err")"; fi
printf '{"name": "broken", "duration": "2s",\n' >"$tmp/broken.json"
"$mrsim" check "$tmp/broken.json" "$tmp/impossible.json" --db "$tmp/chk.db" \
  --junit "$tmp/junit/report.xml" >"$tmp/chk.txt" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -qF "$tmp/broken.json: invalid JSON" "$tmp/err" &&
   grep -q '^FAIL ' "$tmp/chk.txt"; then ok "check broken scenario exits 2, checks the others"
else fail "check broken scenario: exit $rc, $(cat "$tmp/chk.txt" "$tmp/err")"; fi
if grep -q '<testsuites' "$tmp/junit/report.xml" 2>/dev/null &&
   grep -q '<failure message="measured [0-9.]*, expected &lt;= 1e-06"/>' "$tmp/junit/report.xml"
then ok "check --junit writes a report"
else fail "check --junit writes a report: $(head -c 300 "$tmp/junit/report.xml" 2>&1)"; fi

# 8. cost: the figures in --json, the database, compare and check. Two regions, the client
# at one, nothing replicated: 2 x 0.5 + 3 x 0.25 + 365 / 730 = 2.25 an hour, exactly.
cat >"$tmp/cost.json" <<'EOF'
{"name": "cost", "duration": "2s", "seed": 3,
 "regions": [{"name": "us-east-1", "servers": 2}, {"name": "eu-west-1", "servers": 3}],
 "clients": [{"location": "us-east-1", "rate": 50}],
 "cost": {"server_hour": 0.5, "fixed_month": 365,
          "regions": {"eu-west-1": {"server_hour": 0.25}}},
 "expect": [{"metric": "cost_per_hour", "equals": 2.25},
            {"metric": "cost_per_month", "min": 1642, "max": 1643},
            {"metric": "egress_gb", "equals": 0}]}
EOF
"$mrsim" run "$tmp/cost.json" --json --quiet --db "$tmp/cost.db" >"$tmp/cost.out" 2>"$tmp/err"
if grep -q '"cost_per_hour": 2.25' "$tmp/cost.out" && grep -q '"egress_gb": 0' "$tmp/cost.out"
then ok "cost figures in run --json"
else fail "cost figures in run --json: $(head -c 300 "$tmp/cost.out") $(cat "$tmp/err")"; fi
if command -v sqlite3 >/dev/null; then
  v=$(sqlite3 "$tmp/cost.db" "select value from metrics where scope = 'all' and metric = 'cost_per_month'")
  if [ "$v" = 1642.5 ]; then ok "cost_per_month in the database"
  else fail "cost_per_month in the database: '$v'"; fi
fi
"$mrsim" check "$tmp/cost.json" --db "$tmp/cost.db" >"$tmp/chk.txt" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ "$(tail -n 1 "$tmp/chk.txt")" = "3 passed, 0 failed" ]; then
  ok "check expectations on cost"
else fail "check expectations on cost: exit $rc, $(cat "$tmp/chk.txt" "$tmp/err")"; fi
"$mrsim" compare "$root/scenarios/three-regions.json" --quiet --db "$tmp/cost.db" \
  >"$tmp/cmp.txt" 2>"$tmp/err"
if grep -Eq '^cost_per_month +[0-9,]+\.[0-9]{2}\*? +[0-9,]+\.[0-9]{2}' "$tmp/cmp.txt" &&
   grep -q '^egress_gb ' "$tmp/cmp.txt"; then ok "compare has cost rows"
else fail "compare has cost rows: $(cat "$tmp/cmp.txt" "$tmp/err")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
