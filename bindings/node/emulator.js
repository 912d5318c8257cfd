#!/usr/bin/env node
'use strict';
// `npx b24kit-emulator`: the local Bitrix24 portal. It is a native program that travels in
// b24kit's platform package beside the addon — kept out of the addon, which every application
// loads. This runs it with this command's options (`--help` lists them) and passes Ctrl-C and
// SIGTERM on; it prints its webhook URL and serves until stopped (`--ready-json` prints one JSON
// line with the URLs instead, for test fixtures). B24KIT_EMULATOR names another emulator binary,
// e.g. a checkout's `target/debug/b24kit-emulator`.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const PROGRAM = process.platform === 'win32' ? 'b24kit-emulator.exe' : 'b24kit-emulator';

/** The emulator binary: the one named by B24KIT_EMULATOR, beside this file, or in the installed platform package. */
function locate() {
  if (process.env.B24KIT_EMULATOR) return process.env.B24KIT_EMULATOR;
  const beside = path.join(__dirname, PROGRAM);
  if (fs.existsSync(beside)) return beside;
  // npm installs the one platform package that matches this machine.
  const { optionalDependencies = {} } = require('./package.json');
  for (const name of Object.keys(optionalDependencies)) {
    let dir;
    try {
      dir = path.dirname(require.resolve(`${name}/package.json`));
    } catch {
      continue;
    }
    if (fs.existsSync(path.join(dir, PROGRAM))) return path.join(dir, PROGRAM);
  }
  return undefined;
}

const program = locate();
if (program === undefined) {
  console.error(
    `b24kit-emulator: no emulator for ${process.platform}-${process.arch}: install b24kit with its platform package, or set B24KIT_EMULATOR to an emulator binary`,
  );
  process.exit(1);
}
const child = spawn(program, process.argv.slice(2), { stdio: 'inherit' });
let received;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    received = signal;
    child.kill(signal);
  });
}
child.on('error', (error) => {
  console.error(`b24kit-emulator: cannot run ${program}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  // Ended by a signal: end the same way, as the process the caller signalled.
  const ending = signal || received;
  if (ending) {
    process.removeAllListeners(ending);
    process.kill(process.pid, ending);
  } else {
    process.exit(code);
  }
});
