#!/usr/bin/env bash
# The HTML report in a real browser: a small two-pattern scenario (its name full of markup,
# quotes and gnuplot commands) is compared over two seeds, `mrsim report` writes the page,
# and headless Chromium loads it: the DOM it builds must hold every plot as an <svg> inside
# its <figure>, the table and the sections, no <script> element, the hostile name as text;
# the page must log nothing to the console (a CSP violation or a script error would); and a
# screenshot must be a non-empty PNG. A page that breaks those rules is loaded too, to show
# the console check can fail.
#
# First, without a browser: usage errors exit 2 and a missing database exits 1 and writes
# nothing. Needs chromium (Debian package, in .ci/deps) and gnuplot for the rest; exits 77
# (skip) only when chromium is absent (and the checks before it passed). Prints TAP-like
# lines and ends with "N passed, N failed".
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }

expect_exit() {   # expect_exit STATUS DESCRIPTION ARGS...: mrsim ARGS exits with STATUS
  local want=$1 what=$2; shift 2
  "$mrsim" "$@" >"$tmp/u.out" 2>"$tmp/u.err"
  local rc=$?
  if [ $rc -eq "$want" ]; then ok "$what"; else fail "$what: exit $rc, $(cat "$tmp/u.err")"; fi
}
expect_exit 2 "report without DB is a usage error" report
expect_exit 2 "report --run x is a usage error" report "$tmp/none.db" --run x
expect_exit 2 "report --run with --scenario is a usage error" report "$tmp/none.db" --run 1 --scenario a
expect_exit 2 "compare --plot-format gif is a usage error" compare x.json --plot-format gif
expect_exit 1 "report of a missing database fails" report "$tmp/none.db" --out "$tmp/r.html"
if [ ! -e "$tmp/none.db" ] && [ ! -e "$tmp/r.html" ]; then ok "... and creates nothing"
else fail "a missing database left files"; fi
expect_exit 0 "report --help" report --help
if grep -q 'self-contained' "$tmp/u.out"; then ok "report --help describes the page"
else fail "report --help: $(head -3 "$tmp/u.out")"; fi

if ! command -v chromium >/dev/null 2>&1; then
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] || exit 1
  echo "skip: chromium not found (apt-get install chromium; see .ci/deps)"
  exit 77
fi

# Chromium with a profile and HOME of its own, so that it never touches the user's.
browse() {
  HOME="$tmp/home" timeout 60 chromium --headless --disable-gpu --no-sandbox \
    --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 "$@"
}
mkdir -p "$tmp/home"

cat >"$tmp/s.json" <<'JSON'
{
  "name": "</title><script>alert(1)</script> 'x'; system('touch @TMP@/PWNED') `touch @TMP@/PWNED2` \"q\" & more",
  "seed": 3, "duration": "40s", "warmup": "5s",
  "regions": [
    {"name": "us-east-1", "location": [38.9, -77.4], "servers": 8},
    {"name": "eu-west-1", "location": [53.3, -6.3], "servers": 8}
  ],
  "clients": [
    {"name": "nyc", "location": [40.7, -74.0], "rate": 100, "read_ratio": 0.8, "sessions": 50,
     "keys": {"count": 1000, "dist": "zipf", "s": 0.9}, "timeout": "500ms"},
    {"name": "dublin", "location": [53.3, -6.3], "rate": 100, "read_ratio": 0.8, "sessions": 50,
     "keys": {"count": 1000, "dist": "zipf", "s": 0.9}, "timeout": "500ms"}
  ],
  "patterns": {
    "active-active": {"replication": {"mode": "async"}},
    "read-local": {"primary": "us-east-1"}
  },
  "faults": [{"kind": "region_down", "region": "eu-west-1", "at": "15s", "for": "10s"}]
}
JSON
# The commands in the name name an absolute file: gnuplot runs in a folder that is removed.
sed -i "s|@TMP@|$tmp|g" "$tmp/s.json"

cd "$tmp" || exit 1
if "$mrsim" compare s.json --seeds 2 --quiet --db r.db >/dev/null 2>err; then ok "compare"
else fail "compare: $(cat err)"; fi
if "$mrsim" report r.db --out out/report.html >rep.out 2>err; then ok "report"
else fail "report: $(cat err)"; fi
nplots=$(sed -n 's/.*(\([0-9]*\) plots)$/\1/p' rep.out)
# Two patterns: latency, availability, consistency each; then the CDF, the t-visibility
# curve and the comparison.
if [ "$nplots" = 9 ]; then ok "9 plots reported"; else fail "plots reported: '$nplots'"; fi
if [ ! -e PWNED ] && [ ! -e PWNED2 ]; then ok "no command ran"; else fail "a command ran"; fi
size=$(wc -c <out/report.html)
echo "# report: $size bytes"

# The DOM Chromium builds from the page.
browse --dump-dom "file://$tmp/out/report.html" >dom.html 2>console.log
if [ -s dom.html ] && ! grep -q 'Page load failed' console.log; then ok "chromium loaded the page"
else fail "page not loaded: $(grep -v dbus console.log | tail -3)"; fi
n=$(grep -o '<svg' dom.html | wc -l)
if [ "$n" = 9 ]; then ok "9 <svg> plots in the DOM"; else fail "<svg> in the DOM: $n"; fi
for id in latency-active-active availability-active-active consistency-active-active \
          latency-read-local availability-read-local consistency-read-local cdf visibility \
          compare; do
  # Each figure holds its caption and its plot.
  if tr -d '\n' <dom.html | grep -qE "<figure id=\"plot-$id\" class=\"plot\"><figcaption>[^<]+</figcaption><svg"; then
    ok "figure $id"
  else fail "figure $id"; fi
done
for sel in 'id="scenario"' 'id="comparison-table"' 'id="plots"' 'id="events"' \
           '<th>active-active</th><th>read-local</th>' '>fault_start<' '>region_down eu-west-1<'; do
  if grep -qF -- "$sel" dom.html; then ok "has $sel"; else fail "lacks $sel"; fi
done
if ! grep -q '<script' dom.html; then ok "no <script> element"; else fail "a <script> element"; fi
if grep -qF '<title>mrsim report: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;' dom.html
then ok "hostile name shown as text"; else fail "hostile name: $(grep -o '<title>[^<]*' dom.html | head -1)"; fi
if ! grep -q ':CONSOLE' console.log; then ok "no console messages"
else fail "console: $(grep ':CONSOLE' console.log | head -3)"; fi

# The console check can fail: a page that loads from the network and runs a script.
printf '%s' '<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src '"'none'"'"></head><body><img src="http://example.invalid/x.png"><script>console.error(1)</script></body></html>' >bad.html
browse --dump-dom "file://$tmp/bad.html" >/dev/null 2>bad.log
if grep -q ':CONSOLE' bad.log; then ok "console check catches a bad page"
else fail "console check missed a bad page"; fi

# A screenshot of the top of the page.
browse --screenshot="$tmp/shot.png" --window-size=1280,2400 "file://$tmp/out/report.html" \
  >/dev/null 2>shot.log
if [ -s shot.png ] && [ "$(head -c 8 shot.png | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
   [ "$(wc -c <shot.png)" -gt 20000 ]; then
  ok "screenshot PNG ($(wc -c <shot.png) bytes)"
else fail "screenshot: $(ls -l shot.png 2>&1) $(grep -v dbus shot.log | tail -2)"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
