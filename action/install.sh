#!/usr/bin/env bash
# Installs errlint into $RUNNER_TEMP/errlint-bin (cached between runs by action.yml) and puts
# it on the PATH of the following steps.
set -euo pipefail
bin="${RUNNER_TEMP:?}/errlint-bin"
mkdir -p "$bin"
if [ -x "$bin/bin/errlint" ]; then
  echo "errlint is cached: $("$bin/bin/errlint" --version)"
else
  cargo install --locked --path "${GITHUB_ACTION_PATH:?}" --root "$bin"
fi
echo "$bin/bin" >> "${GITHUB_PATH:-/dev/null}"
