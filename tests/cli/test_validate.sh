#!/bin/sh
# test_validate.sh - `mrsim validate` and the command-line front door, as a whole program.
#
# usage: test_validate.sh MRSIM SOURCE_ROOT
# Checks exit statuses (0 ok, 1 bad input, 2 usage error), which stream each message goes
# to, the "file: path: msg" error form, and that error paths of `mrsim run` that come before
# the run (bad flags, bad scenario) never create the results database.
set -u
MRSIM=$1
ROOT=$2
TMP=$(mktemp -d "${TMPDIR:-/tmp}/mrsim-cli-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT INT TERM
failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# expect STATUS CMD...: run CMD with stdout/stderr captured in $TMP/out and $TMP/err.
expect() {
    want=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    got=$?
    [ "$got" -eq "$want" ] || fail "$*: exit $got, expected $want; stderr: $(cat "$TMP/err")"
}

# has FILE TEXT: FILE contains the fixed string TEXT.
has() {
    grep -qF -- "$2" "$1" || fail "expected '$2' in $1:
$(cat "$1")"
}

empty() {
    [ ! -s "$1" ] || fail "expected $1 to be empty:
$(cat "$1")"
}

# Every shipped scenario is valid.
for f in "$ROOT"/scenarios/*.json; do
    expect 0 "$MRSIM" validate "$f"
    has "$TMP/out" "$f: ok"
    empty "$TMP/err"
done

# A bad field: the error names the file, the JSON path and the problem, on stderr.
sed 's/"servers": 12/"servers": -3/' "$ROOT/scenarios/three-regions.json" >"$TMP/bad.json"
expect 1 "$MRSIM" validate "$TMP/bad.json"
empty "$TMP/out"
has "$TMP/err" "$TMP/bad.json: regions[1].servers: expected a positive integer, got -3"

# Several files: each is checked, good ones listed, the status says one was bad.
expect 1 "$MRSIM" validate "$ROOT/scenarios/three-regions.json" "$TMP/bad.json" \
    "$TMP/missing.json"
has "$TMP/out" "$ROOT/scenarios/three-regions.json: ok"
has "$TMP/err" "$TMP/bad.json: regions[1].servers:"
has "$TMP/err" "$TMP/missing.json: "

# JSON syntax errors say where.
printf '{"name": "x",\n "duration": }\n' >"$TMP/syntax.json"
expect 1 "$MRSIM" validate "$TMP/syntax.json"
has "$TMP/err" "$TMP/syntax.json: "
has "$TMP/err" "line 2"

# Usage errors.
expect 2 "$MRSIM" validate
has "$TMP/err" "usage: mrsim validate FILE..."
expect 2 "$MRSIM" validate --bogus "$TMP/bad.json"
has "$TMP/err" "unknown option '--bogus'"
expect 0 "$MRSIM" validate --help
has "$TMP/out" "usage: mrsim validate FILE..."
empty "$TMP/err"

# The front door.
expect 2 "$MRSIM"
has "$TMP/err" "usage: mrsim COMMAND"
expect 2 "$MRSIM" frobnicate
has "$TMP/err" "unknown command 'frobnicate'"
expect 0 "$MRSIM" --help
has "$TMP/out" "validate"
expect 0 "$MRSIM" help run
has "$TMP/out" "usage: mrsim run FILE"
expect 0 "$MRSIM" --version
has "$TMP/out" "mrsim "

# `mrsim run` failures before the run leave no database behind.
db="$TMP/results/runs.db"
for seed in -1 abc 9223372036854775808 "" " 1" 1x; do
    expect 2 "$MRSIM" run "$ROOT/scenarios/three-regions.json" --seed "$seed" --db "$db"
    has "$TMP/err" "--seed"
done
expect 2 "$MRSIM" run --db "$db"
expect 2 "$MRSIM" run a.json b.json --db "$db"
expect 1 "$MRSIM" run "$TMP/bad.json" --db "$db"
has "$TMP/err" "$TMP/bad.json: regions[1].servers:"
[ ! -e "$TMP/results" ] || fail "a failed 'mrsim run' created $TMP/results"

if [ "$failures" -ne 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
fi
echo "ok"
