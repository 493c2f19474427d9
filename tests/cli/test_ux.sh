#!/usr/bin/env bash
# What a user sees (issue 15), through the program: figures per client population in --json,
# the database and compare --by client; metric names refused before any run (in under a
# second, with the JSON path, nothing on stdout); a sweep point that served nothing shown as
# collapsed, not nan; sweep --slo exit codes (0: some point meets the objectives, 1: none);
# and the comparison's best-mark rule on a real outage run (dr-outage.json): active-passive
# answers faster but fails more, so its latency is never marked best.
# Prints TAP-like lines and ends with "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
jq_() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# A far and a near population under active-passive: one primary in us-east-1.
cat >two.json <<'J'
{"name": "two populations", "seed": 3, "duration": "20s", "warmup": "2s",
 "regions": [{"name": "us-east-1", "servers": 8}, {"name": "ap-southeast-1", "servers": 8}],
 "clients": [{"name": "virginia", "location": "us-east-1", "rate": 100},
             {"name": "singapore", "location": "ap-southeast-1", "rate": 50}],
 "patterns": {"active-passive": {"primary": "us-east-1"},
              "active-active": {"replication": {"mode": "async"}}},
 "expect": [{"pattern": "active-passive", "client": "singapore", "metric": "p50_ms", "min": 150},
            {"pattern": "active-passive", "client": "virginia", "metric": "p50_ms", "max": 20}]}
J

# 1. by_client in --json and the database.
"$mrsim" run two.json --pattern active-passive --json --db ux.db >run.json 2>run.err
rc=$?
far=$(jq_ run.json 'd["runs"][0]["by_client"]["singapore"]["p50_ms"]' 2>/dev/null)
near=$(jq_ run.json 'd["runs"][0]["by_client"]["virginia"]["p50_ms"]' 2>/dev/null)
if [ $rc -eq 0 ] && python3 -c "import sys; sys.exit(not (float('$far') > 150 and float('$near') < 20))" 2>/dev/null
then ok "run --json by_client: singapore p50 $far ms, virginia $near ms"
else fail "run --json by_client: exit $rc, far '$far' near '$near' $(head -3 run.err)"; fi
n=$(sqlite3 ux.db "select count(*) from metrics where scope = 'client' and key = 'singapore' and metric = 'ryw_violations'")
if [ "$n" = 1 ]; then ok "the database has scope client"; else fail "scope client rows: '$n'"; fi
"$mrsim" check two.json --db ux.db --quiet >chk.out 2>chk.err
if [ $? -eq 0 ] && [ "$(tail -n 1 chk.out)" = "2 passed, 0 failed" ]; then ok "check: expectations per client"
else fail "check per client: $(cat chk.out chk.err)"; fi
"$mrsim" compare two.json --by client --db ux.db >cmp.out 2>cmp.err
if [ $? -eq 0 ] && grep -q '^users singapore read_p99_ms ' cmp.out && grep -q '^users virginia availability ' cmp.out
then ok "compare --by client: a block of rows per population"
else fail "compare --by client: $(head -5 cmp.out cmp.err)"; fi

# 2. Unknown metric names: refused at load, fast, with the path, nothing on stdout.
refused() {   # refused TEXT ARGS...: mrsim ARGS fails within a second, stderr has TEXT,
  local text=$1; shift   # stdout is empty (check: only its summary line, which is whole)
  local t0 t1 rc
  t0=$(date +%s%N)
  "$mrsim" "$@" >out.txt 2>err.txt
  rc=$?
  t1=$(date +%s%N)
  local ms=$(( (t1 - t0) / 1000000 ))
  local want_out=""
  [ "$1" = check ] && want_out="0 passed, 0 failed"
  if [ $rc -ne 0 ] && [ $ms -lt 1000 ] && grep -qF -- "$text" err.txt && [ "$(cat out.txt)" = "$want_out" ]
  then ok "refused in ${ms} ms: $text"
  else fail "refused: $*: exit $rc in ${ms} ms, stdout $(wc -c <out.txt) bytes: $(cat err.txt)"; fi
}
sw="$root/tests/cli/sweep-small.json"
refused '--slo {"metric": "rto", "max": 5}.metric: unknown metric "rto"; did you mean "rto_s"?' \
  sweep "$sw" --db none.db --slo '{"metric": "rto", "max": 5}'
refused '--minimize: unknown metric "cost_per_mnth"; did you mean "cost_per_month"?' \
  sweep "$sw" --db none.db --minimize cost_per_mnth
refused 'metric "detect_s" is not reported per operation ("op")' \
  sweep "$sw" --db none.db --slo '{"metric": "detect_s", "op": "read", "max": 5}'
sed 's/"metric": "p50_ms", "max": 20/"metric": "p50ms", "max": 20/' two.json >typo.json
refused 'typo.json: expect[1].metric: unknown metric "p50ms"; did you mean "p50_ms"?' \
  check typo.json --db none.db
refused 'typo.json: expect[1].metric: unknown metric "p50ms"' run typo.json --db none.db
if [ ! -e none.db ]; then ok "... and no database was made"; else fail "a refused command made a database"; fi

# 3. Sweep exit codes and collapsed points. One region, down for the whole run: nothing is
# served at any point.
cat >dead.json <<'J'
{"name": "dead", "seed": 1, "duration": "10s", "warmup": "1s",
 "regions": [{"name": "us-east-1", "servers": 2}],
 "clients": [{"location": "us-east-1", "rate": 50, "timeout": "200ms"}],
 "faults": [{"at": "0s", "kind": "region_down", "region": "us-east-1"}],
 "sweep": {"vary": {"regions[*].servers": [1, 2]},
           "slo": [{"metric": "p99_ms", "max": 500}, {"metric": "availability", "min": 0.99}]}}
J
"$mrsim" sweep dead.json --db sw.db --quiet >dead.out 2>dead.err
rc=$?
if [ $rc -eq 1 ] && grep -q '^regions\[\*\].servers=1  p99_ms=collapsed: 0 of [0-9,]* requests served  availability=0±0  FAIL$' dead.out &&
   ! grep -qi nan dead.out && grep -q '^no point meets every objective$' dead.out
then ok "collapsed points are named, and no point meeting the SLO exits 1"
else fail "collapsed sweep: exit $rc: $(cat dead.out dead.err)"; fi
"$mrsim" sweep "$sw" --db sw2.db --quiet --vary 'regions[*].servers=4' >live.out 2>live.err
rc=$?
if [ $rc -eq 0 ] && grep -q 'PASS$' live.out; then ok "a sweep with a point meeting the SLO exits 0"
else fail "passing sweep: exit $rc: $(cat live.out live.err)"; fi
"$mrsim" sweep "$sw" --db sw2.db --quiet --vary 'regions[*].servers=4' \
  --slo '{"metric": "p99_ms", "max": 0.001}' >strict.out 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q 'FAIL$' strict.out; then ok "the same runs under an SLO no point meets exit 1"
else fail "strict sweep: exit $rc: $(cat strict.out)"; fi

# Every pattern in one sweep, with each pattern's minimum and its cost; exit 1 when one
# pattern has no size that meets the objectives (here active-passive, whose users in Asia
# cross the world on every request).
cat >pat.json <<'J'
{"name": "patterns", "seed": 1, "duration": "20s", "warmup": "2s",
 "regions": [{"name": "us-east-1", "servers": 4}, {"name": "ap-southeast-1", "servers": 4}],
 "clients": [{"name": "virginia", "location": "us-east-1", "rate": 300},
             {"name": "singapore", "location": "ap-southeast-1", "rate": 300}],
 "cost": {"server_hour": 0.5},
 "patterns": {"active-passive": {"primary": "us-east-1", "servers": {"ap-southeast-1": 1}},
              "active-active": {"replication": {"mode": "async"}}},
 "sweep": {"vary": {"regions[*].servers": [1, 2, 4]}, "seeds": 2,
           "slo": [{"metric": "p99_ms", "op": "read", "max": 150}],
           "minimize": "regions[*].servers"}}
J
"$mrsim" sweep pat.json --pattern all --db pat.db --quiet >pat.out 2>pat.err
rc=$?
if [ $rc -eq 1 ] && grep -q '^pattern active-passive:$' pat.out && grep -q '^pattern active-active:$' pat.out &&
   grep -Eq '^  active-active +regions\[\*\]\.servers=[0-9]+, cost_per_month [0-9,.]+$' pat.out &&
   grep -Eq '^  active-passive +none$' pat.out
then ok "sweep --pattern all: each pattern's minimum and cost, exit 1 when one has none"
else fail "sweep --pattern all: exit $rc: $(cat pat.out pat.err)"; fi
sed -i 's/"max": 150/"max": 400/' pat.json
"$mrsim" sweep pat.json --pattern all --db pat.db --quiet >pat.out 2>pat.err
rc=$?
if [ $rc -eq 0 ] && grep -Eq '^  active-passive +regions\[\*\]\.servers=[0-9]+, cost_per_month' pat.out
then ok "sweep --pattern all exits 0 when every pattern has a minimum"
else fail "sweep --pattern all, loose SLO: exit $rc: $(cat pat.out pat.err)"; fi

# 4. The best-mark rule on an outage run: active-passive fails more reads, so however fast
# its successful reads were, its read latency is not marked best.
"$mrsim" compare "$root/scenarios/dr-outage.json" --json --db out.db >out.json 2>out.err
if python3 - out.json <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
rows = {(r["metric"], r.get("op")): r for r in d["rows"]}
av = rows[("availability", "read")]["values"]
bad = []
for m in ("p50_ms", "p99_ms"):
    r = rows[(m, "read")]
    for p in r["best"]:
        if any(av[q]["mean"] > av[p]["mean"] for q in av):
            bad.append((m, p))
ap, aa = rows[("p99_ms", "read")]["values"]["active-passive"], rows[("p99_ms", "read")]["values"]["active-active"]
# The rule must have mattered: active-passive's p99 is lower, and it is not marked.
if not (ap["mean"] < aa["mean"] and av["active-passive"]["mean"] < av["active-active"]["mean"]):
    bad.append("the run no longer shows the case")
if "active-passive" in rows[("p99_ms", "read")]["best"]:
    bad.append("active-passive marked")
sys.exit(1 if bad else 0)
P
then ok "outage run: no latency mark for a pattern that failed more requests"
else fail "outage run best marks: $(head -c 600 out.json) $(cat out.err)"; fi
"$mrsim" compare "$root/scenarios/dr-outage.json" --db out.db >out.txt 2>/dev/null
if awk '/^read p99_ms/{l=NR} /^read availability/{if (NR==l+1) f=1} END{exit !f}' out.txt
then ok "availability right under the latency rows"
else fail "row order: $(head -12 out.txt)"; fi

# 5. Progress in a CI log: stderr is a file here, so whole lines (no carriage return) every
# MRSIM_PROGRESS_EVERY seconds (10 by default; small here so the runs need not be long), and
# none with --quiet.
progress() {   # progress WHAT ARGS...: a progress line "mrsim WHAT: ... ETA", none with --quiet
  local what=$1; shift
  MRSIM_PROGRESS_EVERY=0.02 "$mrsim" "$@" >/dev/null 2>prog.err
  MRSIM_PROGRESS_EVERY=0.02 "$mrsim" "$@" --quiet >/dev/null 2>quiet.err
  if grep -Eq "^mrsim $what: .*\(([0-9]+)%\), .* elapsed, ETA " prog.err && ! grep -q $'\r' prog.err &&
     ! grep -q '^mrsim ' quiet.err
  then ok "progress lines in a log: $(grep -m1 "^mrsim $what" prog.err)"
  else fail "progress lines of $*: $(head -3 prog.err) / quiet: $(head -2 quiet.err)"; fi
}
progress run run "$root/scenarios/three-regions.json" --pattern active-active --db p.db
progress run compare "$root/scenarios/dr-outage.json" --db p.db
progress check check "$root/scenarios/dr-outage.json" --db p.db --jobs 1
progress sweep sweep "$root/tests/cli/sweep-small.json" --db p2.db --jobs 1

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
