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
