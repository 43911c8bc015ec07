#!/usr/bin/env bash
# Real consumers of errlint's output and packaging: sarif-tools reads the SARIF and counts the
# same results; pre-commit builds the hook from this repository (try-repo) and runs it on a
# throwaway repository with a failing and a passing spec.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"

. .ci/lib.sh
pip_install sarif-tools pre-commit junitparser maturin

errlint="$repo/target/debug/errlint"
cargo build --quiet
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== sarif-tools reads errlint's SARIF"
"$errlint" --no-config --format sarif=$work/example.sarif --format concise fixtures/example/openapi.yaml > "$work/concise.txt" || true
expected=$(wc -l < "$work/concise.txt")
summary=$(sarif summary "$work/example.sarif")
echo "$summary"
counted=$(echo "$summary" | awk '/^(error|warning|note):/ {n += $2} END {print n + 0}')
if [ "$counted" -ne "$expected" ]; then
  echo "sarif-tools counted $counted results, errlint reported $expected"; exit 1
fi
sarif ls "$work/example.sarif" > /dev/null

echo "== junitparser reads errlint's JUnit XML"
"$errlint" --no-config --format junit fixtures/example/openapi.yaml > "$work/example.xml" || true
python3 - "$work/example.xml" "$expected" <<'PY'
import sys
from junitparser import JUnitXml, Failure
xml = JUnitXml.fromfile(sys.argv[1])
failed = [case for suite in xml for case in suite if any(isinstance(r, Failure) for r in case.result)]
findings = sum(len(r.text.splitlines()) for case in failed for r in case.result)
print(f"junitparser: {len(failed)} failing cases, {findings} findings")
assert findings == int(sys.argv[2]), (findings, sys.argv[2])
PY

echo "== pre-commit try-repo builds and runs the errlint hook"
target="$work/project"
mkdir -p "$target"
cd "$target"
git init --quiet
git config user.email ci@example.invalid
git config user.name ci
cp "$repo/fixtures/profiles/default/fail.yaml" openapi.yaml
git add openapi.yaml
git commit --quiet -m failing
if pre-commit try-repo "$repo" errlint --all-files > "$work/hook.txt" 2>&1; then
  cat "$work/hook.txt"; echo "the hook passed a failing spec"; exit 1
fi
grep -q "error-response-schema" "$work/hook.txt" || { cat "$work/hook.txt"; echo "the hook did not report the finding"; exit 1; }
cp "$repo/fixtures/profiles/default/pass.yaml" openapi.yaml
git commit --quiet -am passing
if ! pre-commit try-repo "$repo" errlint --all-files > "$work/hook.txt" 2>&1; then
  cat "$work/hook.txt"; echo "the hook failed a passing spec"; exit 1
fi

echo "== the PyPI wheel: built by maturin, installed into a fresh virtual environment, run"
cd "$repo"
maturin build --profile dist --locked --quiet --out "$work/wheels"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index "$work"/wheels/errlint-*.whl
"$work/venv/bin/errlint" --version
set +e
"$work/venv/bin/errlint" --no-config --format concise fixtures/example/openapi.yaml > "$work/wheel-lint.txt"
code=$?
set -e
if [ "$code" -ne 1 ] || ! cmp -s "$work/wheel-lint.txt" "$work/concise.txt"; then
  echo "the wheel's errlint exited $code or reported other findings than the build's"; exit 1
fi
# Release builds are stripped: debug info stays in the bench and profiling profiles.
size=$(stat -c %s "$work/venv/bin/errlint")
if [ "$size" -gt 20000000 ]; then echo "the wheel's binary is $size bytes: not stripped?"; exit 1; fi
echo "wheel: ok ($size-byte binary)"

echo "== pre-commit installs the hook of errlint-pre-commit from the wheel"
mirror="$work/errlint-pre-commit"
cp -r "$repo/packaging/pre-commit" "$mirror"
git -C "$mirror" init --quiet
git -C "$mirror" add -A
git -C "$mirror" -c user.email=ci@example.invalid -c user.name=ci commit --quiet -m mirror
cd "$target"
cp "$repo/fixtures/profiles/default/fail.yaml" openapi.yaml
started=$(date +%s)
if PIP_FIND_LINKS="$work/wheels" pre-commit try-repo "$mirror" errlint --all-files > "$work/hook.txt" 2>&1; then
  cat "$work/hook.txt"; echo "the wheel hook passed a failing spec"; exit 1
fi
grep -q "error-response-schema" "$work/hook.txt" || { cat "$work/hook.txt"; echo "the wheel hook did not report the finding"; exit 1; }
echo "wheel hook: installed and ran in $(( $(date +%s) - started )) s"
echo "consumers: ok"
