#!/usr/bin/env bash
# Runs errlint as the action's inputs say; the step fails when errlint finds errors (exit 1)
# or cannot lint something (exit 2).
#
# Whatever a pull request puts in front of this step, it cannot steer it: every input arrives
# in an environment variable (action.yml never puts `${{ }}` inside a script), every option is
# passed as `--name=value` so that no value becomes an option of its own, and the files come
# after `--`, one per line of `files:`, so that no file name does either (a file called
# `--write-baseline=x.json` is a file, not an option).
set -uo pipefail
cd "${GITHUB_WORKSPACE:-.}"

refuse() {
  echo "::error title=errlint action::$1"
  exit 2
}

args=("--format=${INPUT_FORMAT:-github}")
if [ -n "${INPUT_SARIF_FILE:-}" ]; then
  args+=("--format=sarif=${INPUT_SARIF_FILE}")
fi
contract=()
if [ -n "${INPUT_CONFIG:-}" ]; then
  contract+=("--config=${INPUT_CONFIG}")
fi
if [ -n "${INPUT_PROFILE:-}" ]; then
  contract+=("--profile=${INPUT_PROFILE}")
fi
if [ -n "${INPUT_BASELINE:-}" ]; then
  args+=("--baseline=${INPUT_BASELINE}")
fi
case "${INPUT_DENY_WARNINGS:-false}" in
  true) args+=(--deny-warnings) ;;
  false | '') ;;
  *) refuse "deny-warnings is true or false, not another value" ;;
esac

# One path or glob per line; surrounding white space and blank lines are dropped, and a path
# may hold spaces. errlint expands globs itself.
files=()
while IFS= read -r line || [ -n "$line" ]; do
  line="${line%$'\r'}"
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  if [ -n "$line" ]; then
    files+=("$line")
  fi
done <<< "${INPUT_FILES:-.}"
if [ "${#files[@]}" -eq 0 ]; then
  files=(.)
fi

errlint "${args[@]}" "${contract[@]}" -- "${files[@]}"
status=$?
# With a base revision, each document's error contract is also compared with that revision's;
# the step fails when either run does, with the graver code (2, could not check, over 1).
if [ -n "${INPUT_BASE:-}" ]; then
  errlint diff "--format=${INPUT_FORMAT:-github}" "--base=${INPUT_BASE}" "${contract[@]}" -- "${files[@]}"
  diff_status=$?
  if [ "$diff_status" -gt "$status" ]; then
    status=$diff_status
  fi
fi
exit "$status"
