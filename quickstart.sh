#!/usr/bin/env bash
# mrsim quick start: install what is missing (Debian packages, via sudo when not root),
# build a release build in build/, then run the main job: the flagship scenario's patterns
# compared side by side, every run stored in results/mrsim.db, its plots drawn (SVG) in
# results/three-regions/ and one self-contained HTML page written to results/report.html.
set -euo pipefail
cd "$(dirname "$0")"
bash .ci/deps
[ -d build ] || meson setup build --buildtype=release
meson compile -C build
build/cli/mrsim compare scenarios/three-regions.json \
  --plot results/three-regions --plot-format svg --report results/report.html
