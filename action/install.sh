#!/usr/bin/env bash
# Installs errlint into $RUNNER_TEMP/errlint-bin (cached between runs by action.yml) and puts
# it on the PATH of the following steps.
#
# When the action is used at a release tag (`uses: errlint/errlint@v0.2.0`), the binary of that
# release is downloaded and its SHA-256 checked against the release's checksum file; a
# mismatch stops the step. With no release for the ref (a branch, a commit, a tag without
# binaries), errlint is built from the action's source, as before.
#
# ERRLINT_RELEASES_URL replaces https://github.com/OWNER/REPO/releases/download (a mirror,
# or a folder in tests).
set -euo pipefail
bin="${RUNNER_TEMP:?}/errlint-bin"
mkdir -p "$bin/bin"

# The release asset for this runner, as .github/workflows/release.yml names them.
target_of_runner() {
  case "${RUNNER_OS:-Linux}/${RUNNER_ARCH:-X64}" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) return 1 ;;
  esac
}

sha256_of() {
  if command -v sha256sum > /dev/null; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

# Downloads and verifies the release binary; returns 1 when there is no release to use, and
# exits the step when a release exists but fails its checksum.
install_release() {
  local ref="${ERRLINT_ACTION_REF:-}" target archive base work expected actual
  [[ "$ref" =~ ^v[0-9]+\.[0-9]+\.[0-9]+([-+].*)?$ ]] || return 1
  target=$(target_of_runner) || return 1
  if [ "$target" = x86_64-pc-windows-msvc ]; then archive="errlint-$target.zip"; else archive="errlint-$target.tar.gz"; fi
  base="${ERRLINT_RELEASES_URL:-https://github.com/${ERRLINT_ACTION_REPOSITORY:-errlint/errlint}/releases/download}"
  work=$(mktemp -d)
  if ! curl --fail --silent --show-error --location --retry 3 -o "$work/$archive" "$base/$ref/$archive" 2> "$work/curl.txt"; then
    echo "no errlint $ref binary for $target ($(tr -d '\n' < "$work/curl.txt")); building from source"
    rm -rf "$work"
    return 1
  fi
  if ! curl --fail --silent --show-error --location --retry 3 -o "$work/$archive.sha256" "$base/$ref/$archive.sha256"; then
    echo "::error::errlint $ref: $archive has no checksum file; refusing to run it"
    rm -rf "$work"
    exit 1
  fi
  expected=$(cut -d' ' -f1 < "$work/$archive.sha256" | tr -d '\r\n')
  actual=$(sha256_of "$work/$archive")
  if [ "$expected" != "$actual" ]; then
    echo "::error::errlint $ref: the checksum of $archive does not match its .sha256 file (expected $expected, got $actual); refusing to run it"
    rm -rf "$work"
    exit 1
  fi
  case "$archive" in
    *.zip) unzip -q -o "$work/$archive" -d "$work/unpacked" ;;
    *) mkdir -p "$work/unpacked" && tar -xzf "$work/$archive" -C "$work/unpacked" ;;
  esac
  local exe=errlint
  [ "$target" = x86_64-pc-windows-msvc ] && exe=errlint.exe
  install -m 0755 "$work/unpacked/$exe" "$bin/bin/$exe"
  rm -rf "$work"
  echo "errlint $ref downloaded for $target, checksum verified: $("$bin/bin/$exe" --version)"
}

if [ -x "$bin/bin/errlint" ] || [ -x "$bin/bin/errlint.exe" ]; then
  echo "errlint is cached: $("$bin"/bin/errlint* --version)"
elif ! install_release; then
  cargo install --locked --path "${GITHUB_ACTION_PATH:?}" --root "$bin"
fi
echo "$bin/bin" >> "${GITHUB_PATH:-/dev/null}"
