#!/usr/bin/env bash
# Prints `source=<hash>` to $GITHUB_OUTPUT: a hash of the action's own source (Rust files, the
# profiles and schema it embeds, manifests, the lock file), the key of the cached binary. A
# tag, a branch or a commit that changes the source changes the key; one that does not reuses
# the build.
set -euo pipefail
cd "${GITHUB_ACTION_PATH:?}"
hash=$(find src rules assets Cargo.toml Cargo.lock -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-32)
echo "source=$hash" >> "${GITHUB_OUTPUT:-/dev/stdout}"
