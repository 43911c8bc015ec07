#!/usr/bin/env bash
# The one-run comparison of issue #31: `errlint check-traffic` against openapi-core's response
# validator on generated HARs of GitHub's description (20,000 and 200,000 exchanges), one core.
#
#   cargo build --release && benches/traffic/run.sh [run.py options, e.g. --rounds 5 --ndjson]
#
# Needs ../shared/corpus beside the repository (skips with a message without it), python3 with
# venv, /usr/bin/time and taskset. Makes target/bench-venv with openapi-core pinned in
# requirements.txt (from PyPI), and the HARs (~0.7 GB) in a temporary folder it removes after.
# ERRLINT_BIN picks another binary (e.g. target/dist/errlint); ERRLINT_BENCH_DIR keeps the HARs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpus="$repo/../shared/corpus"
if [ ! -f "$corpus/MANIFEST.tsv" ]; then
  echo "benches/traffic/run.sh: skipped: $corpus is absent (GitHub's description is there)"
  exit 0
fi
bin=${ERRLINT_BIN:-$repo/target/release/errlint}
if [ ! -x "$bin" ]; then
  echo "benches/traffic/run.sh: no $bin: run cargo build --release first" >&2
  exit 2
fi
for tool in /usr/bin/time python3; do
  command -v "$tool" > /dev/null || { echo "benches/traffic/run.sh: needs $tool" >&2; exit 2; }
done
venv="$repo/target/bench-venv"
if ! "$venv/bin/python" -c 'import openapi_core' 2> /dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
if [ -n "${ERRLINT_BENCH_DIR:-}" ]; then
  work=$ERRLINT_BENCH_DIR
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/errlint-traffic-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
echo "errlint $("$bin" --version 2>/dev/null || true); openapi-core $("$venv/bin/python" -c \
  'import importlib.metadata as m; print(m.version("openapi-core"))'); $(nproc) cores"
python3 "$here/run.py" --errlint "$bin" --python "$venv/bin/python" --work "$work" "$@"
