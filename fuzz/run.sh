#!/usr/bin/env bash
# Runs one fuzz target (or all) for SECONDS each, seeded from fixtures/.
# Usage: fuzz/run.sh [TARGET] [SECONDS]      (needs a nightly toolchain and cargo-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-"yaml_load json_load refs lint"}
seconds=${2:-1800}
for target in $targets; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    json_load) find fixtures -name '*.json' -exec cp {} "$corpus/" \; ;;
    yaml_load) find fixtures -name '*.yaml' -exec cp {} "$corpus/" \; ;;
    *) find fixtures -type f -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
  esac
  cargo +nightly fuzz run -O "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536
done
