'use strict';
// Puts the emulator binary into a platform package (made by `napi create-npm-dirs`) and lists it
// in the package's files, so that `npx b24kit-emulator` finds it beside the addon.
// Usage: node release/npm-add-emulator.js PLATFORM_DIR EMULATOR_BINARY

const fs = require('node:fs');
const path = require('node:path');

const [platformDir, binary] = process.argv.slice(2);
const name = path.basename(binary);
fs.copyFileSync(binary, path.join(platformDir, name));
fs.chmodSync(path.join(platformDir, name), 0o755);
const manifestPath = path.join(platformDir, 'package.json');
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
manifest.files = [...new Set([...(manifest.files || []), name])];
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
