#!/usr/bin/env bash
# Runs errlint as the action's inputs say; the step fails when errlint finds errors (exit 1)
# or cannot lint something (exit 2).
set -uo pipefail
cd "${GITHUB_WORKSPACE:-.}"
args=(--format "${INPUT_FORMAT:-github}")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  args+=(--format "sarif=${INPUT_SARIF_FILE}")
fi
if [ -n "${INPUT_CONFIG:-}" ]; then
  args+=(--config "$INPUT_CONFIG")
fi
if [ -n "${INPUT_PROFILE:-}" ]; then
  args+=(--profile "$INPUT_PROFILE")
fi
# The files input is split on white space; errlint expands globs itself.
read -r -a files <<< "${INPUT_FILES:-.}"
set -f
errlint "${args[@]}" "${files[@]}"
status=$?
set +f
exit "$status"
