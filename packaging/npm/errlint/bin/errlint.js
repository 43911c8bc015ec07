#!/usr/bin/env node
// Runs the errlint binary of this platform's package (@errlint/cli-<platform>-<arch>, an
// optional dependency npm installs only where its `os` and `cpu` match), passing the arguments,
// the standard streams and the exit code through. Nothing is downloaded at install time.
"use strict";

const { spawnSync } = require("node:child_process");

const platformPackage = `@errlint/cli-${process.platform}-${process.arch}`;
const executable = process.platform === "win32" ? "errlint.exe" : "errlint";

let binary;
try {
  binary = require.resolve(`${platformPackage}/bin/${executable}`);
} catch {
  console.error(
    `errlint: ${platformPackage} is not installed, so there is no errlint binary for ` +
      `${process.platform} ${process.arch}.\n` +
      "npm installs it as an optional dependency of errlint: was the install run with " +
      "--omit=optional or --no-optional, or from a lock file made on another platform?\n" +
      "errlint's npm packages cover Linux and macOS on x64 and arm64, and Windows on x64; " +
      "elsewhere, see https://github.com/errlint/errlint#install"
  );
  process.exit(2);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  console.error(`errlint: could not run ${binary}: ${result.error.message}`);
  process.exit(2);
}
if (result.signal) {
  // Die of the same signal, so that the caller sees what the binary saw.
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 2);
