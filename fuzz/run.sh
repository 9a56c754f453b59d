#!/usr/bin/env bash
# Runs every fuzz target (or the TARGETS given after SECONDS) for SECONDS (default 600),
# two at a time, at low priority, with the target's dictionary from dicts/ if it has one,
# and prints one summary line per target. Needs `cargo install cargo-fuzz`; works on the
# stable toolchain because `-s none` asks for no sanitizer (libFuzzer's coverage
# instrumentation is a stable rustc flag). Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
targets=(markdown links vocabulary yaml report frontmatter)
if [ $# -gt 1 ]; then targets=("${@:2}"); fi
mkdir -p logs
cargo fuzz build -s none
for target in "${targets[@]}"; do
  mkdir -p "corpus/$target"
  cp -n regressions/"$target"/* "corpus/$target/" 2>/dev/null || true
done
run() {
  local dict=()
  if [ -f "dicts/$1.dict" ]; then dict=("-dict=dicts/$1.dict"); fi
  nice -n 19 cargo fuzz run -s none "$1" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    "${dict[@]}" > "logs/$1.log" 2>&1 || true
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" &
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & fi
  wait
done
for target in "${targets[@]}"; do
  runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "logs/$target.log" | tail -1 || true)
  crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  printf '%-12s %s; %s crash artifact(s)\n' "$target" "${runs:-no summary (see logs/$target.log)}" "$crashes"
done
