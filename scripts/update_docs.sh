#!/usr/bin/env bash
# Regenerates every checked block of README.md and docs/*.md (a `<!-- tokenfab-doc: ... -->`
# marker followed by a ```text block; see scripts/doc_blocks.py) from the
# current build: run it after a change that is meant to move a quoted figure,
# then review `git diff docs` and fix any prose that quotes the old figure.
#
#   bash scripts/update_docs.sh [build-dir] [doc.md ...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
shift || true
cmake --build "$build" --target tokenfab -j2
if [ $# -eq 0 ]; then
  mapfile -t docs < <(grep -l '^<!-- tokenfab-doc: ' README.md docs/*.md)
else
  docs=("$@")
fi
python3 scripts/doc_blocks.py --update --tokenfab "$build/app/tokenfab" "${docs[@]}"
