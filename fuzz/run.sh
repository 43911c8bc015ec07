#!/usr/bin/env bash
# Runs one fuzz target (or all) for SECONDS each, seeded from fixtures/.
# Usage: fuzz/run.sh [TARGET] [SECONDS]      (needs a nightly toolchain and cargo-fuzz)
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-"yaml_fast yaml_load json_load refs lint config baseline lsp traffic"}
seconds=${2:-1800}
for target in $targets; do
  corpus="fuzz/corpus/$target"
  mkdir -p "$corpus"
  case "$target" in
    json_load) find fixtures -name '*.json' -exec cp {} "$corpus/" \; ;;
    config) find fixtures assets/profiles -name '*.yaml' \( -name 'errlint.yaml' -o -path '*config-errors*' -o -path '*profiles*' \) -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
    baseline) printf '{"version": 1, "entries": [{"rule": "error-response-schema", "file": "openapi.yaml", "pointer": "/paths/~1a~1{id}/get/responses/404", "message": "x"}]}' > "$corpus/seed.json" ;;
    lsp) printf '\001\000\000\060\060\002\005\005\003\020Error: {type: x}\n\201\000\000\060\060\000\001\001\003\203' > "$corpus/seed" ;;
    yaml_load) find fixtures -name '*.yaml' -exec cp {} "$corpus/" \; ;;
    traffic) find fixtures/traffic -type f -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
    yaml_fast) find fixtures ../shared/corpus/digitalocean-public-v2.3.0.multi -name '*.y*ml' -size -16k -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
    *) find fixtures -type f -exec sh -c 'cp "$1" "$2/$(echo "$1" | tr / _)"' _ {} "$corpus" \; ;;
  esac
  cargo +nightly fuzz run -O "$target" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536
done
