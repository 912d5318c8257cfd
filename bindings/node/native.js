'use strict';
// Loads the addon built for this platform (`b24kit.<platform>-<arch>[-<libc>].node`, named as
// @napi-rs/cli names it). B24KIT_NATIVE_PATH overrides the file, for development.

const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * `-gnu` or `-musl` on Linux. The C library's own `ldd` says which it is; only without one does
 * this ask Node's diagnostic report, and then without its network section, whose host lookups
 * have frozen `require` for minutes on some hosts.
 */
function libc() {
  if (process.platform !== 'linux') return '';
  let ldd = '';
  try {
    ldd = readFileSync('/usr/bin/ldd', 'latin1');
  } catch {
    // No ldd (a minimal image): ask the report below.
  }
  if (ldd.includes('musl')) return '-musl';
  if (ldd.includes('GNU C Library') || ldd.includes('glibc')) return '-gnu';
  if (typeof process.report?.getReport !== 'function') return '-gnu';
  const excluded = process.report.excludeNetwork;
  process.report.excludeNetwork = true;
  try {
    return process.report.getReport()?.header?.glibcVersionRuntime ? '-gnu' : '-musl';
  } finally {
    process.report.excludeNetwork = excluded;
  }
}

function load() {
  if (process.env.B24KIT_NATIVE_PATH) return require(process.env.B24KIT_NATIVE_PATH);
  const suffix = process.platform === 'win32' ? '-msvc' : libc();
  const file = join(__dirname, `b24kit.${process.platform}-${process.arch}${suffix}.node`);
  if (!existsSync(file)) {
    throw new Error(
      `b24kit has no native addon for ${process.platform}-${process.arch}${suffix} (looked for ${file}). ` +
        'This package carries linux-x64-gnu only; on another platform, build b24kit from its source ' +
        '(https://github.com/b24kit/b24kit, `npm run build` in bindings/node) or set B24KIT_NATIVE_PATH to an addon you built.',
    );
  }
  return require(file);
}

module.exports = load();
