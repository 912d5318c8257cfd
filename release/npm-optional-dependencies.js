'use strict';
// Names every platform package under NPM_DIR (made by `napi create-npm-dirs`) as an optional
// dependency, at the main package's version, in the main package's MANIFEST — what
// `napi pre-publish` adds when publishing — so that npm installs the one matching the machine.
// Usage: node release/npm-optional-dependencies.js MANIFEST NPM_DIR

const fs = require('node:fs');
const path = require('node:path');

const [manifestPath, npmDir] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
manifest.optionalDependencies = {};
for (const dir of fs.readdirSync(npmDir).sort()) {
  const platform = JSON.parse(fs.readFileSync(path.join(npmDir, dir, 'package.json'), 'utf8'));
  manifest.optionalDependencies[platform.name] = manifest.version;
}
fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
