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
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=(--baseline "$INPUT_BASELINE")
fi
if [ "${INPUT_DENY_WARNINGS:-false}" = "true" ]; then
  args+=(--deny-warnings)
fi
# The files input is split on white space, newlines included (a multi-line `files:` lists
# one entry a line); errlint expands globs itself.
read -r -d '' -a files <<< "${INPUT_FILES:-.}" || true
if [ "${#files[@]}" -eq 0 ]; then
  files=(.)
fi
set -f
errlint "${args[@]}" "${files[@]}"
status=$?
# With a base revision, each document's error contract is also compared with that revision's;
# the step fails when either run does.
if [ -n "${INPUT_BASE:-}" ]; then
  diff_args=(--format "${INPUT_FORMAT:-github}" --base "$INPUT_BASE")
  if [ -n "${INPUT_CONFIG:-}" ]; then
    diff_args+=(--config "$INPUT_CONFIG")
  fi
  if [ -n "${INPUT_PROFILE:-}" ]; then
    diff_args+=(--profile "$INPUT_PROFILE")
  fi
  errlint diff "${diff_args[@]}" "${files[@]}"
  diff_status=$?
  if [ "$status" -eq 0 ]; then
    status=$diff_status
  fi
fi
set +f
exit "$status"
