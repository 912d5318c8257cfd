#!/usr/bin/env node
'use strict';
// `npx b24kit-emulator`: the local Bitrix24 portal that travels in b24kit's native addon, with the
// options of the emulator's own binary (`--help` lists them). It prints its webhook URL and serves
// until Ctrl-C; `--ready-json` prints one JSON line with the URLs instead, for test fixtures.

const { runEmulator } = require('./native.js');

process.exitCode = runEmulator(['b24kit-emulator', ...process.argv.slice(2)]);
