'use strict';
// The TypeScript example beside these tests uses every public name of the package (tsc checks it
// with --strict in CI).

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const b24kit = require('b24kit');

test('the TypeScript example uses every public name', () => {
  const example = fs.readFileSync(path.join(__dirname, '..', 'every_name.ts'), 'utf8');
  const missing = Object.keys(b24kit).filter((name) => !new RegExp(`\\b${name}\\b`).test(example));
  assert.deepEqual(missing, []);
});
