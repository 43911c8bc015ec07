#!/usr/bin/env bash
# Packs errlint's npm packages, as Biome and oxlint ship theirs: `errlint`, a small launcher,
# and one package per platform holding the binary, which npm installs only where its `os` and
# `cpu` match (an optional dependency of `errlint`; nothing is downloaded at install time).
# The release workflow and tests/npm.rs both pack with this script.
#
#   pack.sh main OUTDIR              the `errlint` package (packaging/npm/errlint/)
#   pack.sh TARGET BINARY OUTDIR     @errlint/cli-<os>-<cpu> for a Rust target, BINARY as its bin/
#
# The version of every package, and of the optional dependencies, is Cargo.toml's. Prints the
# path of the tarball written into OUTDIR.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

usage() {
  echo "usage: $0 main OUTDIR | $0 TARGET BINARY OUTDIR" >&2
  exit 2
}

# The npm `os` and `cpu` of a Rust target (process.platform and process.arch, which the launcher
# puts together into the package's name). The Linux binaries are static (musl), so one package
# serves every libc; a glibc target maps to the same package, for a local build.
npm_platform() {
  case "$1" in
    x86_64-unknown-linux-*) echo "linux x64" ;;
    aarch64-unknown-linux-*) echo "linux arm64" ;;
    x86_64-apple-darwin) echo "darwin x64" ;;
    aarch64-apple-darwin) echo "darwin arm64" ;;
    x86_64-pc-windows-*) echo "win32 x64" ;;
    *) echo "no npm package for the target $1" >&2; return 1 ;;
  esac
}

version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)"
[ -n "$version" ] || { echo "no version in $repo/Cargo.toml" >&2; exit 1; }

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

case "${1:-}" in
  main)
    [ $# -eq 2 ] || usage
    out="$2"
    cp -R "$here/errlint/." "$stage/"
    # Every optional dependency is the platform package of the same version.
    node -e '
      const fs = require("fs");
      const [file, version] = process.argv.slice(1);
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      pkg.version = version;
      for (const name of Object.keys(pkg.optionalDependencies)) pkg.optionalDependencies[name] = version;
      fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
    ' "$stage/package.json" "$version"
    readme_title="errlint"
    ;;
  "")
    usage
    ;;
  *)
    [ $# -eq 3 ] || usage
    target="$1" binary="$2" out="$3"
    platform="$(npm_platform "$target")"
    read -r os cpu <<< "$platform"
    name="@errlint/cli-$os-$cpu"
    executable=errlint
    [ "$os" = win32 ] && executable=errlint.exe
    mkdir -p "$stage/bin"
    cp "$binary" "$stage/bin/$executable"
    chmod 755 "$stage/bin/$executable"
    cat > "$stage/package.json" <<JSON
{
  "name": "$name",
  "version": "$version",
  "description": "The errlint binary for $os $cpu (installed by the errlint package)",
  "license": "MIT OR Apache-2.0",
  "homepage": "https://github.com/errlint/errlint",
  "repository": {
    "type": "git",
    "url": "git+https://github.com/errlint/errlint.git"
  },
  "os": ["$os"],
  "cpu": ["$cpu"],
  "files": ["bin/$executable", "LICENSE-MIT", "LICENSE-APACHE"],
  "preferUnplugged": true
}
JSON
    readme_title="$name"
    ;;
esac

cat > "$stage/README.md" <<README
# $readme_title

errlint lints the error handling of HTTP APIs described in OpenAPI: \`npx errlint openapi.yaml\`.
See https://github.com/errlint/errlint.
README
cp "$repo/LICENSE-MIT" "$repo/LICENSE-APACHE" "$stage/"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
tarball="$(cd "$stage" && npm pack --silent --pack-destination "$out" | tail -n 1)"
echo "$out/$tarball"
