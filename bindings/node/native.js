'use strict';
// Loads the addon built for this platform (`b24kit.<platform>-<arch>[-<libc>].node`, named as
// @napi-rs/cli names it). B24KIT_NATIVE_PATH overrides the file, for development.

const { existsSync } = require('node:fs');
const { join } = require('node:path');

function libc() {
  if (process.platform !== 'linux') return '';
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null;
  const glibc = report?.header?.glibcVersionRuntime;
  return glibc ? '-gnu' : '-musl';
}

function load() {
  if (process.env.B24KIT_NATIVE_PATH) return require(process.env.B24KIT_NATIVE_PATH);
  const suffix = process.platform === 'win32' ? '-msvc' : libc();
  const file = join(__dirname, `b24kit.${process.platform}-${process.arch}${suffix}.node`);
  if (!existsSync(file)) {
    throw new Error(
      `b24kit has no native addon for ${process.platform}-${process.arch}${suffix} (looked for ${file}); ` +
        'build it with `npm run build` in the package folder',
    );
  }
  return require(file);
}

module.exports = load();
