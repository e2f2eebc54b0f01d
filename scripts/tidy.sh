#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the root) over the sources of the given
# folders, two at a time, and fails on any warning. The sources are those of
# build/compile_commands.json under each folder, so that a new file or library
# needs no list here; headers are checked where those sources include them,
# and only headers inside the given folders are reported.
#
#   bash scripts/tidy.sh core workloads      # after scripts/build.sh
#   TOKENFAB_BUILD_DIR=out bash scripts/tidy.sh hw
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
build=${TOKENFAB_BUILD_DIR:-build}
if [ $# -eq 0 ]; then
  echo "usage: scripts/tidy.sh <folder>..." >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tidy: $build/compile_commands.json is missing: build first (scripts/build.sh)" >&2
  exit 2
fi

folders=$(printf '%s|' "${@%/}")
folders=${folders%|}
sources=$(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' "$build/compile_commands.json" |
  grep -E "^$root/($folders)/" | sort -u || true)
if [ -z "$sources" ]; then
  echo "tidy: no compiled sources under $*" >&2
  exit 2
fi

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One output file per source: parallel runs must not interleave their lines.
echo "$sources" | xargs -P 2 -I{} sh -c \
  'clang-tidy -p "$1" --quiet --header-filter="^$2/($3)/" "$4" >"$5/$(echo "$4" | tr / _).txt" 2>/dev/null || true' \
  sh "$build" "$root" "$folders" {} "$out"

# A header's warning repeats once per source that includes it: keep one.
cat "$out"/*.txt | grep -E '^[^ ].*: (warning|error): ' | sed "s|^$root/||" | sort -u >"$out/all" || true
count=$(wc -l <"$out/all")
cat "$out/all"
if [ "$count" -gt 0 ]; then
  echo "tidy: $count warning(s) in $*; by check:"
  grep -oE '\[[a-zA-Z0-9.,-]+\]$' "$out/all" | sort | uniq -c | sort -rn
  exit 1
fi
echo "tidy: $(echo "$sources" | wc -l) sources under $*: no warnings"
