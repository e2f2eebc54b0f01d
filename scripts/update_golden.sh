#!/usr/bin/env bash
# Regenerates every golden file of tests/golden/cases.txt from the current
# build: run it after a change that is meant to change results, then review
# `git diff tests/golden` before committing.
#
#   bash scripts/update_golden.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
cmake --build "$build" --target tokenfab golden_check -j2
"$build/tests/golden_check" --cases tests/golden/cases.txt --tokenfab "$build/app/tokenfab" \
  --out "$build/tests/out/golden" --update --all
