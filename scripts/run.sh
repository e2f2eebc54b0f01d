#!/usr/bin/env bash
# Quick start 1: install what is missing, build, and run the main job on the
# shipped defaults (DeepSeek-R1 decode on a GB200 NVL72 rack).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/app/tokenfab run configs/runs/default.yaml "$@"
