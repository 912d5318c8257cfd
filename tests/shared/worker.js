'use strict';
// One Node worker of a fleet: makes its client, says "ready", waits for a line on stdin, makes
// its calls, then prints one JSON line (calls made, calls failed, token renewals its callback saw).
// Usage: node worker.js CONFIG_JSON (see worker.py). Run from a project with b24kit installed.

const readline = require('node:readline');
const b24kit = require('b24kit');

const config = JSON.parse(process.argv[2]);
const shared = config.shared === null ? undefined : { url: config.shared, prefix: 'fleet:' };
let renewals = 0;
const client = config.oauth
  ? b24kit.Client.fromOAuth(config.oauth.endpoint, config.oauth.access_token, {
      refresh: {
        clientId: config.oauth.client_id,
        clientSecret: config.oauth.client_secret,
        refreshToken: config.oauth.refresh_token,
        oauthServer: config.oauth.oauth_server,
        onTokensRefreshed: () => {
          renewals += 1;
        },
      },
      rateLimit: null,
      retry: { maxAttempts: 1 },
      shared,
    })
  : b24kit.Client.fromWebhook(config.webhook, {
      rateLimit: new b24kit.RateLimit(10, 50),
      retry: { maxAttempts: 10, initialBackoffMs: 20, maxBackoffMs: 200 },
      shared,
    });
console.log('ready');
readline.createInterface({ input: process.stdin }).once('line', async () => {
  const outcomes = await Promise.allSettled(
    Array.from({ length: config.calls }, (_, i) => client.imopenlinesSessionModeSilent({ chatId: 2043, activate: i % 2 === 0 })),
  );
  const failed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
  console.log(JSON.stringify({ calls: outcomes.length, failed, renewals }));
  process.exit(0);
});
