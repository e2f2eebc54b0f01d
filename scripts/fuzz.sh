#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ (clang++, ASan + UBSan, in build-fuzz
# beside build) and runs each for a while on a copy of its seed corpus
# (fuzz/corpus/<target>), then prints per target the executions, the coverage
# libFuzzer reached (cov: edges, ft: features) and the findings it kept.
#
#   bash scripts/fuzz.sh                 every target, 60 s each
#   bash scripts/fuzz.sh 600             every target, 10 min each
#   bash scripts/fuzz.sh 60 units hf_config      only these
#   bash scripts/fuzz.sh --grow 600      also merge what is new into fuzz/corpus/
#   bash scripts/fuzz.sh --keep-going 600   go on after a finding, to collect more
#
# Exits 1 when any target finds something (crash-*, leak-*, timeout-*, oom-*
# files in build-fuzz/fuzz-runs/<target>/, kept there with the run's log) or
# fails to run. The committed corpus only changes with --grow, and then only
# by libFuzzer's -merge (inputs that add coverage). What each target covers
# and measured numbers: docs/reliability.md.
#
# --keep-going runs libFuzzer's fork mode (-fork=1 -ignore_crashes=1 ...): a
# finding no longer ends the target's time, so a regression-* seed that still
# crashes does not hide what else there is; its cov and ft are counted by the
# fork driver, larger than and not comparable with a normal run's.
#
# Environment: FUZZ_JOBS (build jobs, default 2), FUZZ_BUILD (default build-fuzz),
# FUZZ_SEED (libFuzzer's -seed: the same mutations every run, as CI uses;
# default a new seed each run).
set -euo pipefail
cd "$(dirname "$0")/.."

grow=0
keep_going=0
seconds=60
targets=()
for arg in "$@"; do
  case "$arg" in
    --grow) grow=1 ;;
    --keep-going) keep_going=1 ;;
    -h | --help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *[!0-9]*) targets+=("$arg") ;;
    *) seconds=$arg ;;
  esac
done
build=${FUZZ_BUILD:-build-fuzz}
jobs=${FUZZ_JOBS:-2}
seed=${FUZZ_SEED:-}

# Every target with the longest input worth mutating (a little above its
# largest seed: longer inputs only slow the fuzzer) and its dictionary.
declare -A max_len=(
  [units]=64
  [system_config]=8192 [pod_config]=8192 [engine_config]=8192 [lpu_params]=8192
  [run_config]=4096 [set_override]=1024 [market]=4096 [tiers]=8192 [datacenter]=4096 [sweep_spec]=4096
  [validation]=12288 [measured_spec]=16384 [measured_csv]=4096
  [hf_config]=4096
  [trace_csv]=16384 [trace_jsonl]=16384
  [lpu_asm]=4096 [lpu_binary]=2048
)
declare -A dict=(
  [units]=units
  [system_config]=yaml [pod_config]=yaml [engine_config]=yaml [lpu_params]=yaml
  [run_config]=yaml [set_override]=yaml [market]=yaml [tiers]=yaml [datacenter]=yaml [sweep_spec]=yaml
  [validation]=yaml [measured_spec]=yaml
  [lpu_asm]=lpu_asm
)
all_targets=(units system_config pod_config engine_config lpu_params run_config set_override market tiers datacenter
             sweep_spec validation measured_spec measured_csv hf_config trace_csv trace_jsonl lpu_asm lpu_binary)
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "fuzz: unknown target '$t' (${all_targets[*]})" >&2; exit 2; }
done

# clang and its libFuzzer runtime, like scripts/setup.sh for the rest: only
# what is missing, with sudo when not root. Debian 12's clang is 14; the
# fuzzer runtime is a separate package there (libclang-rt-14-dev).
bash scripts/setup.sh
fuzzer_links() {
  command -v clang++ >/dev/null || return 1
  local probe
  probe=$(mktemp -d)
  echo 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' >"$probe/p.cc"
  clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cc" -o "$probe/p" 2>/dev/null
  local ok=$?
  rm -rf "$probe"
  return $ok
}
if ! fuzzer_links; then
  echo "fuzz: installing clang libclang-rt-14-dev"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
  fuzzer_links || { echo "fuzz: clang++ -fsanitize=fuzzer does not link; is libclang-rt-14-dev installed?" >&2; exit 2; }
fi

# MPI off: the sweep library would link OpenMPI, which the spec reader does
# not need and whose allocations LeakSanitizer would report.
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTOKENFAB_FUZZ=ON \
  -DTOKENFAB_BUILD_TESTS=OFF -DTOKENFAB_BUILD_BENCH=OFF -DTOKENFAB_MPI=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

# A crash, leak, timeout (10 s for one input) or out-of-memory (2 GB) stops
# the target and leaves its input as <kind>-<sha1> beside the log. UBSan
# already stops at its first report (-fno-sanitize-recover); show its stack.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
# What a finding is and where: the input run once more, its first report
# and the first stack frame in the project's code outside fuzz/.
describe() {
  local out what where
  out=$(TMPDIR="$PWD/$3/tmp" timeout 120 "$build/fuzz/fuzz_$1" -rss_limit_mb=2048 -timeout=10 "$2" 2>&1 || true)
  what=$(printf '%s\n' "$out" | grep -a -m1 -E 'ERROR:|runtime error|what\(\)|round trip|Test unit written' |
    sed -E 's/^ +//; s/ on address.*//; s/^==[0-9]+== ?//' | cut -c1-200 || true)
  where=$(printf '%s\n' "$out" | grep -a -E "^ +#[0-9]+ .* $PWD/" | grep -av " $PWD/fuzz/" | head -1 |
    awk '{print $NF}' | sed "s|^$PWD/||" || true)
  echo "    ${what:-(no report when run again)}"
  [ -n "$where" ] && echo "    at $where"
  return 0
}
runs="$build/fuzz-runs"
status=0
summary=()
for t in "${targets[@]}"; do
  run="$runs/$t"
  rm -rf "$run"
  mkdir -p "$run/tmp"
  cp -r "fuzz/corpus/$t" "$run/corpus"
  seeds=$(find "$run/corpus" -type f | wc -l)
  options=(-max_total_time="$seconds" -max_len="${max_len[$t]}" -timeout=10 -rss_limit_mb=2048
           ${seed:+-seed="$seed"}
           -print_final_stats=1 -artifact_prefix="$run/")
  [ -n "${dict[$t]:-}" ] && options+=(-dict="fuzz/${dict[$t]}.dict")
  [ "$keep_going" -eq 1 ] && options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  echo "fuzz: $t for ${seconds} s ($seeds seeds)"
  rc=0
  # TMPDIR: the scratch copy of configs/ the file-taking targets write into.
  TMPDIR="$PWD/$run/tmp" "$build/fuzz/fuzz_$t" "${options[@]}" "$run/corpus" >"$run/log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$run/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$run/log" | tail -1)
  if [ "$keep_going" -eq 1 ]; then  # the fork driver's status lines: "#N: cov: C ft: F corp: K exec/s E ..."
    execs=$(grep -ao '^#[0-9]*: cov:' "$run/log" | tail -1 | tr -dc 0-9 || true)
    rate=$(grep -ao ' exec/s [0-9]*' "$run/log" | tail -1 | tr -dc 0-9 || true)
  fi
  cov=$(grep -ao ' cov: [0-9]*' "$run/log" | tail -1 | tr -dc 0-9 || true)
  ft=$(grep -ao ' ft: [0-9]*' "$run/log" | tail -1 | tr -dc 0-9 || true)
  corpus=$(find "$run/corpus" -type f | wc -l)
  findings=$(find "$run" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | sort)
  found=$(printf '%s' "$findings" | grep -c . || true)
  if [ "$found" -gt 0 ] || [ "$rc" -ne 0 ]; then
    status=1
    echo "fuzz: $t: exit $rc; log $run/log"
    for f in $findings; do
      echo "  finding: $f"
      describe "$t" "$f" "$run"
    done
  fi
  [ "$grow" -eq 1 ] && "$build/fuzz/fuzz_$t" -merge=1 -max_len="${max_len[$t]}" "fuzz/corpus/$t" "$run/corpus" \
    >>"$run/merge.log" 2>&1
  rm -rf "$run/tmp"
  summary+=("$(printf '%-14s %10s %8s %7s %7s %5s -> %-5s %s' "$t" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" \
    "$seeds" "$corpus" "$found")")
done

echo
printf '%-14s %10s %8s %7s %7s %14s %s\n' target executions exec/s cov ft corpus findings
printf '%s\n' "${summary[@]}"
[ "$status" -eq 0 ] || echo "fuzz: findings or failures above; inputs and logs in $runs/<target>/"
exit "$status"
