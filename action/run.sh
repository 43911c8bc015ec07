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

# One path or glob per line of an input, into the array named by $2; surrounding white space
# and blank lines are dropped, and a path may hold spaces.
lines_of() {
  local -n into=$2
  into=()
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    if [ -n "$line" ]; then
      into+=("$line")
    fi
  done <<< "$1"
}

# errlint expands the documents' globs itself.
lines_of "${INPUT_FILES:-.}" files
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

# Recorded traffic is checked against one document: the one named, or the one `files` names.
# Its globs are expanded here, inside the workspace only; a glob that matches nothing is an
# error rather than a check of nothing.
lines_of "${INPUT_TRAFFIC:-}" traffic_globs
if [ "${#traffic_globs[@]}" -gt 0 ]; then
  document="${INPUT_TRAFFIC_DOCUMENT:-}"
  if [ -z "$document" ]; then
    if [ "${#files[@]}" -ne 1 ] || [ ! -f "${files[0]}" ]; then
      refuse "traffic needs traffic-document: files does not name exactly one document"
    fi
    document="${files[0]}"
  fi
  traffic=()
  workspace="$(pwd -P)"
  shopt -s nullglob globstar
  for pattern in "${traffic_globs[@]}"; do
    # Expanded as a glob, never split at spaces.
    matched=()
    while IFS= read -r path; do
      matched+=("$path")
    done < <(compgen -G "$pattern")
    if [ "${#matched[@]}" -eq 0 ]; then
      refuse "no traffic file matches a line of the traffic input"
    fi
    for path in "${matched[@]}"; do
      # A link a pull request added must not lead the check out of the workspace.
      real="$(realpath -- "$path")"
      case "$real" in
        "$workspace"/*) traffic+=("$path") ;;
        *) refuse "a traffic file lies outside the workspace (through a link?)" ;;
      esac
    done
  done
  shopt -u nullglob globstar
  errlint check-traffic "--format=${INPUT_FORMAT:-github}" "${contract[@]}" -- "$document" "${traffic[@]}"
  traffic_status=$?
  if [ "$traffic_status" -gt "$status" ]; then
    status=$traffic_status
  fi
fi
exit "$status"
