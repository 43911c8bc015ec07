# Sourced by .ci/run and .ci/consumers.sh: installing what CI needs, with retries (a registry's
# hiccup should not fail a run).

pip_install() {
  for attempt in 1 2 3; do
    if python3 -m pip install --quiet --disable-pip-version-check "$@"; then return 0; fi
    echo "pip install failed (attempt $attempt), retrying"; sleep 5
  done
  return 1
}

# npm from Debian's packages (it brings nodejs), where the machine has none.
ensure_npm() {
  if command -v npm > /dev/null && command -v npx > /dev/null; then return 0; fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; fi
  for attempt in 1 2 3; do
    if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm > /dev/null; then
      return 0
    fi
    echo "apt-get install npm failed (attempt $attempt), retrying"; sleep 5
  done
  return 1
}

# The traffic producers that tests/producers.rs runs against its local server (Schemathesis,
# mitmproxy's mitmdump) and the peer validator benches/traffic/openapi_core_check.py uses
# (openapi-core), in a virtual environment of their own: mitmproxy pins its dependencies
# tightly, and the machine's Python stays as it is. Pinned, so that a new release changes
# neither the recorded HAR nor the test's result. Prints nothing; the caller exports
# ERRLINT_TRAFFIC_VENV, which the test reads.
TRAFFIC_TOOLS=(schemathesis==4.32.5 mitmproxy==11.0.2 openapi-core==0.23.1)
traffic_venv() {
  local venv="${1:-$HOME/.cache/errlint/traffic-venv}"
  local stamp="$venv/.errlint-tools"
  if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "${TRAFFIC_TOOLS[*]}" ]; then
    return 0
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  for attempt in 1 2 3; do
    if "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${TRAFFIC_TOOLS[@]}"; then
      echo "${TRAFFIC_TOOLS[*]}" > "$stamp"
      return 0
    fi
    echo "pip install of the traffic tools failed (attempt $attempt), retrying"; sleep 5
  done
  return 1
}
