'use strict';
// The b24kit emulator as a child process (a real HTTP server on 127.0.0.1) and its control API.

const { spawn } = require('node:child_process');
const { createInterface } = require('node:readline');
const path = require('node:path');

function emulatorBinary() {
  return process.env.B24KIT_EMULATOR || path.resolve(__dirname, '../../../target/debug/b24kit-emulator');
}

async function startEmulator(extraArgs = []) {
  const child = spawn(emulatorBinary(), ['--port', '0', '--ready-json', '--rate-limit', 'off', ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}`)));
  });
  const info = JSON.parse(first);
  const control = async (method, route, body) => {
    const response = await fetch(`${info.base_url}_emulator/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return response.json();
  };
  return {
    ...info,
    webhookUrl: info.webhook_url,
    oauthEndpoint: info.oauth_endpoint,
    accessToken: info.access_token,
    oauthServer: info.oauth_server,
    refreshToken: info.refresh_token,
    clientId: info.client_id,
    clientSecret: info.client_secret,
    webhookFor: (user, key) => `${info.base_url}rest/${user}/${key}/`,
    control,
    chat: (id) => control('GET', `chats/${id}`),
    fault: (fault) => control('POST', 'faults', fault),
    stats: () => control('GET', 'stats'),
    lastCall: () => control('GET', 'last_call'),
    async reset() {
      await control('POST', 'reset');
      await control('PUT', 'limits', { enabled: false });
    },
    stop() {
      child.kill('SIGTERM');
    },
  };
}

module.exports = { startEmulator };
