#!/usr/bin/env bash
# test_seam.sh - the seam (models/env.h) holds: code under test in models/sut/ includes only
# its own headers, models/env.h and sim/, never calls the oracle, and never asks the world
# whether a region is up. Fails with the offending lines.
# Configuration records live in models/sut/deploy.h, which the loader fills.
set -u
root=${1:?usage: test_seam.sh SOURCE_ROOT}
cd "$root/models/sut" || exit 2
status=0
while IFS= read -r line; do
    file=${line%%:*}
    h=$(sed -E 's/.*#include +"([^"]+)".*/\1/' <<<"$line")
    base=$(basename "$h")
    if [ -f "$base" ] || [ "$base" = env.h ] || [ -f "$root/sim/$base" ]; then
        continue
    fi
    echo "not ok - $file includes $h, a header of the world or the observers"
    status=1
done < <(grep -HE '^#include +"' ./*.c ./*.h)
if grep -nE '\boracle_[a-z_]+\(' ./*.c ./*.h; then
    echo "not ok - code under test calls the oracle"
    status=1
fi
# health_is_healthy() is the checkers' collective verdict, telemetry for monitoring: only
# health.c itself may touch it.
if grep -nE '\b(region_is_down|region_epoch|net_send|net_stream_send|clock_wall)\(' ./*.c \
    || grep -nE '\bhealth_(is_healthy|votes_down)\(' $(ls ./*.c | grep -v '^./health.c$'); then
    echo "not ok - code under test reads the world directly"
    status=1
fi
[ $status -eq 0 ] && echo "ok - models/sut/ sees the world only through models/env.h"
exit $status
