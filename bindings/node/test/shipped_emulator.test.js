'use strict';
// The emulator that travels beside the addon in the platform package: `npx b24kit-emulator` runs the
// emulator's command line, serves calls, and ends on SIGTERM as any Node process does.

const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, spawnSync } = require('node:child_process');
const { createInterface } = require('node:readline');
const path = require('node:path');
const { Client, version } = require('b24kit');

// The shipped binary, not one the suite names through B24KIT_EMULATOR for its other tests.
const env = { ...process.env, B24KIT_EMULATOR: '' };
const npx = (args) => ['npx', ['--no-install', 'b24kit-emulator', ...args]];

test('npx b24kit-emulator --version and --help come from the emulator command line', () => {
  const shown = spawnSync(...npx(['--version']), { encoding: 'utf8', timeout: 60_000, env });
  assert.equal(shown.status, 0);
  assert.equal(shown.stdout.trim(), `b24kit-emulator ${version}`);
  const usage = spawnSync(...npx(['--help']), { encoding: 'utf8', timeout: 60_000, env });
  assert.equal(usage.status, 0);
  assert.match(usage.stdout, /--ready-json/);
});

test('a bad option is exit status 2 with a message', () => {
  const bad = spawnSync(...npx(['--rate-limit', 'fast']), { encoding: 'utf8', timeout: 60_000, env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /BURST\/RATE/);
});

test('it serves calls, then SIGTERM ends it', async () => {
  // The bin itself (what npx runs), so that the signal reaches the process that serves.
  const bin = path.join(path.dirname(require.resolve('b24kit/package.json')), 'emulator.js');
  const child = spawn(process.execPath, [bin, '--ready-json', '--rate-limit', 'off'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  try {
    const line = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
    });
    const client = Client.fromWebhook(JSON.parse(line).webhook_url);
    const { result } = await client.imopenlinesSessionModeSilent({ chatId: 2043, activate: true });
    assert.equal(result, true);
    const ended = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    child.kill('SIGTERM');
    assert.equal(await ended, 'SIGTERM');
  } finally {
    child.kill('SIGKILL');
  }
});
