#!/usr/bin/env bash
# Every --json output parses with an independent parser (Python's json module, strict: it
# refuses raw control characters in strings) and gives back the names the scenario wrote:
# quotes, backslashes, control characters, DEL, non-ASCII, a right-to-left override, HTML and
# printf look-alikes, in the scenario's, regions', clients' and patterns' names
# (tests/cli/hostile-names.json). Issue 16: the JSON stays written by table.c's own
# fprintf writer (cJSON stays inside the scenario loader, STYLE.md), and this test is what
# proves it valid.
set -u
mrsim=${MRSIM_BIN:?MRSIM_BIN is not set}
root=${MRSIM_SOURCE_ROOT:?MRSIM_SOURCE_ROOT is not set}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok()   { passed=$((passed + 1)); echo "ok - $*"; }
fail() { failed=$((failed + 1)); echo "not ok - $*"; }
f="$root/tests/cli/hostile-names.json"

check() { # NAME FILE [regions]: parse FILE as JSON and find the scenario's names in it
  if python3 - "$f" "$2" "${3:-}" <<'PY' 2>"$tmp/py.err"
import json, sys
scn = json.load(open(sys.argv[1], encoding="utf-8"))
text = open(sys.argv[2], "rb").read()
doc = json.loads(text.decode("utf-8"))  # strict: raw control characters are errors
found = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            found.add(k); walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
    elif isinstance(v, str):
        found.add(v)
walk(doc)
want = [scn["name"]] + list(scn["patterns"])
if sys.argv[3] == "regions":  # compare has no per-region rows
    want += [r["name"] for r in scn["regions"]]
missing = [w for w in want if w not in found]
assert not missing, "names lost or changed: %r" % missing
PY
  then ok "$1 parses and keeps every hostile name"
  else fail "$1: $(tail -1 "$tmp/py.err")"; fi
}

"$mrsim" run "$f" --json --quiet --db "$tmp/a.db" >"$tmp/run.json" 2>"$tmp/err" \
  || fail "run --json: $(cat "$tmp/err")"
check "run --json" "$tmp/run.json" regions
"$mrsim" run "$f" --json --quiet --pattern 'other' --db "$tmp/a.db" >"$tmp/run1.json" 2>"$tmp/err" \
  || fail "run --json --pattern: $(cat "$tmp/err")"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/run1.json" 2>/dev/null \
  && ok "run --json --pattern parses" || fail "run --json --pattern does not parse"
"$mrsim" compare "$f" --json --db "$tmp/a.db" >"$tmp/cmp.json" 2>"$tmp/err" \
  || fail "compare --json: $(cat "$tmp/err")"
check "compare --json" "$tmp/cmp.json"
"$mrsim" compare "$f" --json --seeds 2 --db "$tmp/a.db" >"$tmp/cmp2.json" 2>"$tmp/err" \
  || fail "compare --json --seeds 2: $(cat "$tmp/err")"
check "compare --json --seeds 2" "$tmp/cmp2.json"
# The check is strict enough to fail: a raw control character in a string is refused.
printf '{"name": "a\001b"}' >"$tmp/bad.json"
if python3 -c 'import json,sys; json.loads(open(sys.argv[1],"rb").read().decode())' "$tmp/bad.json" 2>/dev/null
then fail "the parser accepts a raw control character: this test could not fail"
else ok "the parser refuses a raw control character"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
