#!/usr/bin/env bash
# Runs the test suite RUNS times in a row (default 20) while the machine is
# busy, to prove that no test depends on timing: a red CI blocks a landing,
# so a test that fails on noise is a defect.
#
# usage: scripts/stress-suite.sh [RUNS] [TEST_FILE...]
#        npm run test:stress -- [RUNS] [TEST_FILE...]
#   RUNS       how many runs (default 20)
#   TEST_FILE  run only these files (default: the whole suite, as `npm test`)
# environment:
#   STRESS_LOAD=bench,burn  the load beside the suite, comma-separated:
#                           bench  `npm run bench -- --quick` in a loop (CPU,
#                                  and namespace and veth churn in its own
#                                  nlkb-* namespaces, which it removes)
#                           burn   one busy-looping process per STRESS_BURNERS
#                           none   no load
#   STRESS_BURNERS=1        busy loops for `burn`
#
# Stops at the first failing run and prints the failing tests' output (the
# whole log stays in the directory it names). Prints how many runs passed.
# The load runs in its own process groups and is stopped on exit, Ctrl-C or
# SIGTERM (an interrupted run's test processes too).
set -u

cd "$(dirname "$0")/.." || exit 2

runs=20
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
if ((runs < 1)); then
  echo "RUNS must be at least 1" >&2
  exit 2
fi
files=("$@")
load=${STRESS_LOAD:-bench,burn}
burners=${STRESS_BURNERS:-1}

if [[ $(id -u) -ne 0 ]]; then
  echo "the kernel tests and the bench need root (CAP_NET_ADMIN, CAP_SYS_ADMIN)" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/nlkit-stress.XXXXXX")
load_groups=()
suite_group=""
passed=0
run=0
failed_log=""

stop_load() {
  local group
  for group in "${load_groups[@]}"; do
    # Each load was started by setsid: its pid is its process group.
    kill -TERM -- "-$group" 2>/dev/null
  done
  for group in "${load_groups[@]}"; do
    # The bench removes its namespaces on SIGTERM; give it a moment, then insist.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 -- "-$group" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$group" 2>/dev/null
  done
  load_groups=()
}

finish() {
  if [[ -n $suite_group ]]; then
    # Interrupted mid-run: stop that run's tap and its test processes too.
    kill -TERM -- "-$suite_group" 2>/dev/null
    suite_group=""
  fi
  stop_load
  echo
  echo "stress: $passed of $runs runs passed (load: $load)"
  if [[ -n $failed_log ]]; then
    echo "stress: full log of the failing run: $failed_log"
  else
    rm -rf "$work"
  fi
}
trap finish EXIT
trap 'echo; echo "stress: interrupted during run $run"; exit 130' INT
trap 'echo; echo "stress: terminated during run $run"; exit 143' TERM

start_load() {
  local part
  IFS=',' read -r -a parts <<<"$load"
  for part in "${parts[@]}"; do
    case $part in
      bench)
        # Straight to node (not through npm) so SIGTERM reaches the bench,
        # which then deletes its namespaces. Results go to the scratch
        # directory, not bench/results.
        setsid bash -c 'while :; do node --import=tsx bench/run.ts --quick --out "$1" >/dev/null 2>>"$1.log" || sleep 1; done' \
          stress-bench "$work/bench" </dev/null &
        load_groups+=("$!")
        ;;
      burn)
        local i
        for ((i = 0; i < burners; i++)); do
          setsid node -e 'for (;;) {}' </dev/null &
          load_groups+=("$!")
        done
        ;;
      none | '') ;;
      *)
        echo "unknown STRESS_LOAD part \"$part\" (bench, burn, none)" >&2
        exit 2
        ;;
    esac
  done
}

# The lines of each failing test and its diagnostics, from tap's TAP output.
print_failures() {
  awk '
    /^[ \t]*not ok / { printing = 1; indent = match($0, /[^ \t]/) }
    printing { print }
    printing && /^[ \t]*\.\.\.$/ && match($0, /[^ \t]/) > indent { printing = 0; print "" }
  ' "$1" | head -n 400
}

start_load
echo "stress: $runs runs of ${files[*]:-the whole suite}, load: $load (pids ${load_groups[*]:-none}), logs in $work"
for ((run = 1; run <= runs; run++)); do
  log="$work/run-$run.log"
  started=$SECONDS
  # In its own session, waited for in the background, so that a signal to
  # this script is handled at once (bash runs traps only between commands).
  setsid npx tap --reporter=tap --no-color "${files[@]}" >"$log" 2>"$log.stderr" </dev/null &
  suite_group=$!
  wait "$suite_group"
  status=$?
  suite_group=""
  if ((status == 0)); then
    passed=$((passed + 1))
    echo "stress: run $run/$runs passed in $((SECONDS - started)) s ($(grep -m1 -o '# { total: [0-9]*, pass: [0-9]*' "$log" | sed 's/# { //'))"
  else
    echo "stress: run $run/$runs FAILED after $((SECONDS - started)) s; failing tests:"
    echo
    print_failures "$log"
    grep -h "^# { total" "$log"
    if [[ -s $log.stderr ]]; then
      echo
      echo "stress: what the test processes wrote to stderr (last 60 lines of $log.stderr):"
      tail -n 60 "$log.stderr"
    fi
    failed_log=$log
    exit 1
  fi
done
exit 0
