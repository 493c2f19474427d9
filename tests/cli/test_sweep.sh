#!/usr/bin/env bash
# Command-line tests of `mrsim sweep` and `mrsim merge`: --jobs 1 and --jobs 2 store the same
# rows; the same sweep as 4 shards run through GNU parallel and merged gives the same rows
# and the same report as the whole; merge refuses another sweep's shard and reports missing
# points; a sweep continues instead of running again; the bisection finds the minimum with
# fewer runs than the grid; every capacity scenario's minimum meets its expectation; bad
# input is refused with the --vary text or JSON path. Ends with "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
mpi_launcher=${MRSIM_MPI_BIN:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export TMPDIR=$tmp
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }

case $mrsim in /*) ;; *) mrsim=$PWD/$mrsim ;; esac
f="$root/tests/cli/sweep-small.json"
cd "$tmp" || exit 1

# Every table, row for row, with the wall-clock fields (runs.started, runs.wall_s,
# sweeps.started) and the shard label left out.
dump() {
  sqlite3 "$1" "select id, scenario, scenario_file, scenario_sha256, pattern, seed, simulated_s,
                       events, version from runs order by id;
                select * from metrics order by rowid; select * from events order by rowid;
                select * from series order by rowid; select * from latency_hist order by rowid;
                select id, hash, scenario, pattern, npoints, nseeds, dims from sweeps order by id;
                select * from sweep_points order by rowid; select * from sweep_params order by rowid"
}

# 1. --jobs 1 and --jobs 2: the same rows and the same report.
"$mrsim" sweep "$f" --jobs 1 --quiet --db j1.db >j1.out 2>j1.err
rc1=$?
"$mrsim" sweep "$f" --jobs 2 --quiet --db j2.db >j2.out 2>j2.err
rc2=$?
if [ $rc1 -eq 0 ] && [ $rc2 -eq 0 ] && [ "$(sqlite3 j1.db 'select count(*) from sweep_points')" = 16 ]
then ok "sweep runs 8 points x 2 seeds"
else fail "sweep runs: exit $rc1/$rc2: $(cat j1.err j2.err | head -3)"; fi
if dump j1.db >j1.dump && dump j2.db >j2.dump && [ -s j1.dump ] && cmp -s j1.dump j2.dump
then ok "--jobs 1 and --jobs 2 store the same rows"
else fail "--jobs 1 and --jobs 2 store the same rows: $(diff j1.dump j2.dump | head -3)"; fi
if [ -s j1.out ] && cmp -s j1.out j2.out; then ok "--jobs 1 and --jobs 2 print the same report"
else fail "--jobs 1 and --jobs 2 print the same report"; fi
if grep -q 'regions\[\*\].servers=1 faults\[0\].region=us-east-1 .*FAIL$' j1.out &&
   grep -q 'regions\[\*\].servers=4 faults\[0\].region=eu-west-1 .*PASS$' j1.out
then ok "one server fails the SLO, four meet it"
else fail "one server fails the SLO, four meet it: $(head -3 j1.out)"; fi

# 2. Continuing: the same command on the same database runs nothing and reports the same.
"$mrsim" sweep "$f" --quiet --db j1.db >again.out 2>/dev/null
if cmp -s again.out j1.out && [ "$(sqlite3 j1.db 'select count(*) from runs')" = 16 ]
then ok "a stored sweep is reported, not run again"
else fail "a stored sweep is reported, not run again"; fi

# Other objectives do not change the runs: the stored ones are judged again.
"$mrsim" sweep "$f" --quiet --db j1.db --slo '{"metric": "p99_ms", "op": "write", "max": 100}' \
  >strict.out 2>/dev/null
if [ "$(sqlite3 j1.db 'select count(*) from runs')" = 16 ] && ! grep -q PASS strict.out &&
   [ "$(grep -c FAIL strict.out)" = 8 ]
then ok "a new SLO reuses the stored runs"
else fail "a new SLO reuses the stored runs: $(head -3 strict.out)"; fi

# The progress line, on a terminal only (script(1) gives the sweep one).
if command -v script >/dev/null; then
  script -qec "$mrsim sweep $f --db $tmp/tty.db --jobs 2" /dev/null >tty.out 2>&1
  if grep -q "sweep: runs [0-9]*/16  points [0-9]*/8  ETA" tty.out &&
     ! grep -q "sweep: runs" j1.err
  then ok "progress line on a terminal, none otherwise"
  else fail "progress line: $(tr '\r' '\n' <tty.out | head -3)"; fi
fi

# 3. Four shards through GNU parallel, merged: the same rows and report as the whole sweep.
if command -v parallel >/dev/null; then
  parallel --will-cite -j 2 "$mrsim" sweep "$f" --shard {}/4 --db shard-{}.db --jobs 1 --quiet \
    ::: 1 2 3 4 >/dev/null 2>shards.err
  rc=$?
  "$mrsim" merge merged.db shard-1.db shard-2.db shard-3.db shard-4.db >merge.out 2>merge.err
  mrc=$?
  if [ $rc -eq 0 ] && [ $mrc -eq 0 ] && grep -q "8 of 8 points, 16 runs" merge.out
  then ok "4 shards through GNU parallel merge completely"
  else fail "4 shards merge: exit $rc/$mrc: $(cat shards.err merge.err | head -3)"; fi
  if dump merged.db >merged.dump && cmp -s merged.dump j1.dump
  then ok "merged shards store the rows of the whole sweep"
  else fail "merged shards store the rows of the whole sweep: $(diff j1.dump merged.dump | head -3)"; fi
  "$mrsim" sweep "$f" --quiet --db merged.db >merged.out 2>/dev/null
  if cmp -s merged.out j1.out; then ok "merged shards give the same figures"
  else fail "merged shards give the same figures: $(diff j1.out merged.out | head -3)"; fi
  # The shards split the points: each has 2 of 8, none twice.
  n=$(for k in 1 2 3 4; do sqlite3 "shard-$k.db" "select distinct point from sweep_points"; done |
      sort -n | uniq | wc -l)
  if [ "$n" = 8 ] && [ "$(sqlite3 shard-3.db 'select group_concat(distinct point) from sweep_points')" = "2,6" ]
  then ok "shard K/N runs the points p with p % N == K - 1"
  else fail "shard K/N runs the points p with p % N == K - 1 ($n points)"; fi
  # A missing shard is reported, the rest merged, exit 1.
  "$mrsim" merge partial.db shard-1.db shard-2.db shard-4.db >/dev/null 2>partial.err
  rc=$?
  if [ $rc -eq 1 ] && grep -q "missing: point 2, point 6 (2 of 8 points missing)" partial.err
  then ok "merge reports missing points"
  else fail "merge reports missing points: exit $rc: $(cat partial.err)"; fi
  # A shard of another sweep (other seeds: another hash) is refused; nothing is written.
  "$mrsim" sweep "$f" --seeds 1 --shard 1/4 --db other.db --quiet >/dev/null 2>&1
  "$mrsim" merge refused.db shard-1.db other.db >/dev/null 2>refused.err
  rc=$?
  if [ $rc -eq 1 ] && grep -q "another sweep" refused.err && [ ! -s refused.db ]
  then ok "merge refuses a shard of another sweep"
  else fail "merge refuses a shard of another sweep: exit $rc: $(cat refused.err)"; fi
  "$mrsim" merge dup.db shard-1.db shard-1.db >/dev/null 2>dup.err
  if [ $? -eq 1 ] && grep -q "is in both" dup.err; then ok "merge refuses a point twice"
  else fail "merge refuses a point twice: $(cat dup.err)"; fi
else
  fail "GNU parallel is not installed (.ci/deps installs it)"
fi

# 3a. The README's cluster recipes, run on this machine: the Slurm array script with the
# array variables set by hand, and GNU parallel with --sshlogin (":" is this host).
for k in 1 2 3 4; do
  SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=4 SLURM_CPUS_PER_TASK=1 MRSIM=$mrsim \
    bash "$root/analysis/cluster/sweep.sbatch" "$f" slurm >/dev/null 2>>slurm.err
done
"$mrsim" merge slurm/merged.db slurm/shard-*.db >/dev/null 2>>slurm.err
if dump slurm/merged.db >slurm.dump 2>/dev/null && cmp -s slurm.dump j1.dump
then ok "the Slurm array script's shards merge into the whole sweep"
else fail "the Slurm array script: $(head -3 slurm.err)"; fi
if command -v parallel >/dev/null; then
  parallel --will-cite --sshlogin 2/: "$mrsim" sweep "$f" --shard {}/3 --db "$tmp/ssh-{}.db" \
    --jobs 1 --quiet ::: 1 2 3 >/dev/null 2>ssh.err &&
    "$mrsim" merge ssh.db ssh-1.db ssh-2.db ssh-3.db >/dev/null 2>>ssh.err
  if dump ssh.db >ssh.dump 2>/dev/null && cmp -s ssh.dump j1.dump
  then ok "GNU parallel --sshlogin: 3 shards merge into the whole sweep"
  else fail "GNU parallel --sshlogin: $(head -3 ssh.err)"; fi
fi

# 3b. The same through mpirun, when the MPI launcher was built (-Dmpi=enabled).
if [ -n "$mpi_launcher" ] && command -v mpirun >/dev/null; then
  mpirun --oversubscribe --allow-run-as-root -n 2 "$mpi_launcher" "$mrsim" mpi.db "$f" \
    --jobs 1 --quiet >mpi.out 2>mpi.err
  rc=$?
  if [ $rc -eq 0 ] && dump mpi.db >mpi.dump && cmp -s mpi.dump j1.dump
  then ok "mpirun -n 2: shards merged by rank 0 store the rows of the whole sweep"
  else fail "mpirun -n 2: exit $rc: $(head -3 mpi.err) $(diff j1.dump mpi.dump | head -3)"; fi
fi

# 4. Bisection: the minimum, with fewer runs than the grid.
"$mrsim" sweep "$f" --vary 'regions[*].servers=1..8' --vary 'faults[0].region=us-east-1,eu-west-1' \
  --minimize 'regions[*].servers' --quiet --db min.db >min.out 2>min.err
rc=$?
runs=$(sqlite3 min.db "select count(*) from sweep_points")
if [ $rc -eq 0 ] && grep -q '^minimum: regions\[\*\].servers=2 ' min.out && [ "$runs" -lt 32 ]
then ok "bisection finds 2 servers with $runs of 32 runs"
else fail "bisection: exit $rc, $runs runs: $(cat min.out min.err | tail -3)"; fi
# The same answer from the full grid: the smallest value passing at every fault.
first=$(grep PASS j1.out | head -1 | sed -E 's/.*servers=([0-9]+) .*/\1/')
if [ "$first" = 2 ] && ! grep -q 'servers=2 .*FAIL' j1.out
then ok "the grid agrees with the bisection"
else fail "the grid agrees with the bisection (first PASS at $first)"; fi
# Minimising a metric subject to the SLO: the point with the smallest mean p50 that passes.
"$mrsim" sweep "$f" --minimize p50_ms --quiet --db j1.db >metric.out 2>metric.err
if [ $? -eq 0 ] && grep -q '^minimum: p50_ms=[0-9.]*±[0-9.e+-]* at regions\[\*\].servers=[234] ' metric.out
then ok "--minimize METRIC picks a passing point"
else fail "--minimize METRIC: $(cat metric.out metric.err | tail -3)"; fi
# min_found expectations: met, and failed (exit 1).
"$mrsim" sweep "$f" --vary 'regions[*].servers=1..8' --minimize 'regions[*].servers' \
  --confidence mean --quiet --db min2.db >/dev/null 2>&1
if [ $? -eq 0 ]; then ok "--confidence mean"; else fail "--confidence mean"; fi

# 4b. Plots of a sweep (when gnuplot is installed): a curve per fault with its CI band and
# the SLO line, and a heat map for the two dimensions.
if command -v gnuplot >/dev/null; then
  "$mrsim" plot j1.db --sweep latest --out plots --metric p50_ms >plot.out 2>plot.err
  rc=$?
  if [ $rc -eq 0 ] && [ "$(wc -l <plot.out)" = 6 ] && [ -s plots/sweep-p99_ms_op_write_.png ] &&
     [ -s plots/sweep-availability-heat.png ] && [ -s plots/sweep-p50_ms.png ] &&
     head -1 plots/sweep-p99_ms_op_write_.tsv | grep -q "faults\[0\].region=eu-west-1 hi" &&
     [ "$(wc -l <plots/sweep-p99_ms_op_write_.tsv)" = 5 ]
  then ok "plot --sweep: line plots with CI bands and heat maps"
  else fail "plot --sweep: exit $rc: $(cat plot.err) $(cat plot.out)"; fi
  # A bisection ran only some points: the plots show those, no curve for the others.
  "$mrsim" plot min.db --sweep latest --out minplots >/dev/null 2>plot.err
  cols=$(head -1 minplots/sweep-p99_ms_op_write_.tsv | awk -F'\t' '{print NF}')
  cells=$(tail -n +2 minplots/sweep-p99_ms_op_write_-heat.tsv | grep -vc NaN)
  if [ "$cols" = 7 ] && [ "$cells" = "$((runs / 2))" ]
  then ok "plot --sweep after a bisection: 2 curves, $cells cells"
  else fail "plot --sweep after a bisection: $cols columns, $cells cells: $(cat plot.err)"; fi
  "$mrsim" plot j1.db --sweep 99 --out plots >/dev/null 2>plot.err
  if [ $? -eq 1 ] && grep -q "no sweep with id 99" plot.err; then ok "plot --sweep 99: no such sweep"
  else fail "plot --sweep 99: $(cat plot.err)"; fi
fi

# 5. The capacity scenarios: each sweep's minimum meets its expectation.
for s in "$root"/scenarios/capacity-*.json; do
  name=$(basename "$s")
  "$mrsim" sweep "$s" --quiet --db cap.db >cap.out 2>cap.err
  rc=$?
  if [ $rc -eq 0 ] && grep -q '^minimum: regions' cap.out && grep -q '^PASS .* min_found' cap.out
  then ok "$name: $(grep '^minimum' cap.out | cut -c1-40)"
  else fail "$name: exit $rc: $(tail -3 cap.out) $(head -3 cap.err)"; fi
done

# 6. Bad input: exit 1 with the --vary text or the JSON path; usage errors exit 2.
check_err() {   # expected-status expected-text args...
  local want=$1 text=$2; shift 2
  "$mrsim" sweep "$f" --quiet --db bad.db "$@" >/dev/null 2>err.txt
  local rc=$?
  if [ $rc -eq "$want" ] && grep -qF -- "$text" err.txt; then ok "refused: $*"
  else fail "refused: $*: exit $rc: $(cat err.txt)"; fi
}
check_err 1 "--vary regions[5].servers=2: regions[5]: no such element; the array has 3" \
  --vary 'regions[5].servers=2'
check_err 1 "sweep-small.json: regions[0].servers: at point 0 (regions[*].servers=0): expected a positive integer, got 0" \
  --vary 'regions[*].servers=0..2'
check_err 1 "expected a range A..B:STEP" --vary 'clients[0].rate=1..x'
check_err 1 "a range of non-integers needs a step" --vary 'clients[0].rate=0.5..2'
check_err 1 "minimize: expected ascending numbers" --vary 'faults[0].region=eu-west-1,us-east-1' \
  --minimize 'faults[0].region'
check_err 1 "--slo" --slo '{"metric": "p99_ms", "max": }'
check_err 1 'unknown metric "p99ms"' --slo '{"metric": "p99ms", "max": 5}' \
  --vary 'regions[*].servers=2'
check_err 1 "expected PATH=VALUES" --vary 'regions[*].servers'
check_err 2 "--shard: expected K/N" --shard 5/4
check_err 2 "--seeds: expected" --seeds 0
printf '{"duration": "1s", "regions": [{"name": "us-east-1", "servers": 1}], "clients": [{"location": [0, 0], "rate": 1}],\n "sweep": {"vary": {"regions[*].servrs": [1, 2]}, "minimize": "x", "seeds": 0}}\n' >bad-sweep.json
"$mrsim" validate bad-sweep.json >/dev/null 2>err.txt
if [ $? -eq 1 ] && grep -qF "bad-sweep.json: sweep.seeds: expected a positive integer, got 0" err.txt
then ok "validate checks the sweep section"
else fail "validate checks the sweep section: $(cat err.txt)"; fi
sed -i 's/"seeds": 0/"seeds": 2/' bad-sweep.json
"$mrsim" validate bad-sweep.json >/dev/null 2>err.txt
if [ $? -eq 1 ] && grep -qF 'regions[0]: at point 0 (regions[*].servrs=1): unknown field "servrs"' err.txt
then ok "validate loads the sweep's first point"
else fail "validate loads the sweep's first point: $(cat err.txt)"; fi

for sub in sweep merge; do
  if "$mrsim" $sub --help | grep -q "^usage: mrsim $sub"; then ok "$sub --help"
  else fail "$sub --help"; fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
