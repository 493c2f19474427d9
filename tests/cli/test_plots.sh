#!/usr/bin/env bash
# Every SVG plot the quick start, an outage comparison with failovers over two seeds and two
# sweeps produce, loaded in headless Chromium (Debian's chromium, as test_report.sh): no text
# overlapping other text (bounding boxes), an axis label with its unit, a legend, no number in
# exponent notation, and nothing on the console. plot_check.js does the checks in the page;
# a page made to break each rule is checked too, to show the checks can fail. Exits 77 (skip)
# only when chromium or gnuplot is absent. Prints TAP-like lines, "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
if ! command -v chromium >/dev/null 2>&1 || ! command -v gnuplot >/dev/null 2>&1; then
  echo "skip: chromium or gnuplot not found (see .ci/deps)"
  exit 77
fi
browse() {
  HOME="$tmp/home" timeout 120 chromium --headless --disable-gpu --no-sandbox \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@"
}
mkdir -p home

# page OUT SVG...: one HTML page inlining each SVG (without its XML prologue), then the checks.
page() {
  local out=$1; shift
  {
    printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>plots</title>'
    printf '<style>div.plot{width:1100px;margin:0 0 20px 0}</style></head><body>\n'
    for f in "$@"; do
      printf '<div class="plot" data-name="%s">\n' "$(basename "$f")"
      sed -n '/<svg/,$p' "$f"
      printf '</div>\n'
    done
    printf '<script>\n'; cat "$root/tests/cli/plot_check.js"; printf '</script></body></html>\n'
  } >"$out"
}

# The plots: the quick start, an outage with failovers over two seeds (bands, markers), a
# capacity sweep over two dimensions (line plots and heat maps) and one whose smallest
# timeout serves nothing (a collapsed point on the axis).
"$mrsim" compare "$root/scenarios/three-regions.json" --plot qs --plot-format svg --db q.db --quiet >/dev/null 2>err.txt ||
  fail "quick start compare: $(cat err.txt)"
"$mrsim" compare "$root/scenarios/dr-outage.json" --seeds 2 --plot dr --plot-format svg --db q.db --quiet >/dev/null 2>err.txt ||
  fail "outage compare: $(cat err.txt)"
"$mrsim" sweep "$root/tests/cli/sweep-small.json" --db sw.db --quiet >/dev/null 2>err.txt
"$mrsim" plot sw.db --sweep latest --format svg --out sweep >/dev/null 2>err.txt || fail "sweep plot: $(cat err.txt)"
cat >dead.json <<'J'
{"name": "timeouts", "seed": 1, "duration": "20s", "warmup": "2s",
 "regions": [{"name": "us-east-1", "servers": 2}],
 "clients": [{"location": "us-east-1", "rate": 200, "timeout": "100ms"}],
 "sweep": {"vary": {"clients[*].timeout": ["1ms", "2ms", "5ms", "20ms", "100ms"]}, "seeds": 2,
           "slo": [{"metric": "p99_ms", "max": 50}]}}
J
"$mrsim" sweep dead.json --db dead.db --quiet >/dev/null 2>err.txt
"$mrsim" plot dead.db --sweep latest --format svg --out dead >/dev/null 2>err.txt || fail "collapsed sweep plot: $(cat err.txt)"
if grep -q '>×<' dead/sweep-p99_ms.svg; then ok "the collapsed point is marked on the axis"
else fail "no mark for the collapsed point"; fi

# Every pattern swept (--pattern all): the capacity curves of the patterns on one plot.
cat >pat.json <<'J'
{"name": "patterns", "seed": 1, "duration": "20s", "warmup": "2s",
 "regions": [{"name": "us-east-1", "servers": 4}, {"name": "eu-west-1", "servers": 4}],
 "clients": [{"name": "virginia", "location": "us-east-1", "rate": 600},
             {"name": "dublin", "location": "eu-west-1", "rate": 600}],
 "cost": {"server_hour": 0.2},
 "patterns": {"active-passive": {"primary": "us-east-1"},
              "active-active": {"replication": {"mode": "async"}}},
 "sweep": {"vary": {"regions[*].servers": [1, 2, 3, 4]}, "seeds": 2, "pattern": "all",
           "slo": [{"metric": "p99_ms", "max": 300}]}}
J
"$mrsim" sweep pat.json --db pat.db --quiet >/dev/null 2>err.txt
"$mrsim" plot pat.db --sweep latest --format svg --out pat >/dev/null 2>err.txt || fail "pattern sweep plot: $(cat err.txt)"
if [ -s pat/sweep-p99_ms-patterns.svg ] && grep -q '>active-passive<' pat/sweep-p99_ms-patterns.svg &&
   grep -q '>active-active<' pat/sweep-p99_ms-patterns.svg
then ok "the patterns' capacity curves on one plot"
else fail "no overlay of the patterns: $(ls pat 2>&1 | tr '\n' ' ')"; fi

svgs=(qs/*.svg dr/*.svg sweep/*.svg dead/*.svg pat/*.svg)
n=${#svgs[@]}
if [ "$n" -ge 32 ]; then ok "$n SVG plots made"; else fail "only $n SVG plots"; fi
page all.html "${svgs[@]}"
browse --dump-dom "file://$tmp/all.html" >dom.html 2>console.log
res=$(sed -n '/<pre id="plot-check-result">/,/<\/pre>/p' dom.html | sed 's/<[^>]*>//g; s/&quot;/"/g; s/&amp;/\&/g')
if [ "$(printf '%s\n' "$res" | grep -c '^ok ')" -eq "$n" ]; then ok "all $n plots pass the checks"
else fail "plots failing the checks:"; printf '%s\n' "$res" | grep -v '^ok ' | sed 's/^/#   /'; fi
printf '%s\n' "$res" | grep '^ok ' | sed 's/^/#   /'
if ! grep -q ':CONSOLE' console.log; then ok "no console messages"
else fail "console: $(grep ':CONSOLE' console.log | head -3)"; fi

# The checks can fail: overlapping texts, an exponent, no unit, no legend, a script error.
cat >bad.svg <<'S'
<?xml version="1.0"?>
<svg width="400" height="200" viewBox="0 0 400 200" xmlns="http://www.w3.org/2000/svg">
<text x="50" y="50" font-size="14">11281128</text>
<text x="60" y="52" font-size="14">1.359e+04</text>
<text x="200" y="150" font-size="14">p99_ms</text>
</svg>
S
page bad.html bad.svg
browse --dump-dom "file://$tmp/bad.html" >bad.dom 2>/dev/null
badres=$(sed -n '/<pre id="plot-check-result">/,/<\/pre>/p' bad.dom)
for what in 'overlaps' 'exponent notation' 'no axis label with a unit' 'no legend'; do
  if printf '%s' "$badres" | grep -q "$what"; then ok "a bad plot is caught: $what"
  else fail "a bad plot passed: $what: $badres"; fi
done
printf '<!DOCTYPE html><html><body><script>console.error("x"); undefined_function();</script></body></html>' >err.html
browse --dump-dom "file://$tmp/err.html" >/dev/null 2>err.log
if grep -q ':CONSOLE' err.log; then ok "the console check catches a script error"
else fail "the console check missed a script error"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
