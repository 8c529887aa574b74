// examples/oauth run as a developer runs it, in Chromium: its Amplify JS v6 page (bundled by esbuild)
// against the emulator's HTTPS listener — signInWithRedirect through the hosted page, fetchAuthSession
// (and a forced refresh through GetTokensFromRefreshToken), signOut through RevokeToken and /logout —
// and its openid-client relying party. Chromium trusts the emulator's local CA through its NSS
// database (certutil), as a developer's browser would.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { HERE, launchBrowser, pool, screenshot, signIn, startEmulator, user } from './harness.mjs';

const EXAMPLE = path.resolve(HERE, '..', '..', '..', 'examples', 'oauth');

let emu;
let browser;
let trusted;
let ids;
let example;
let origin;

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  assert.ok(existsSync(path.join(EXAMPLE, 'node_modules')), 'run `npm ci` in examples/oauth first (tests/run does)');
  emu = await startEmulator();
  const port = await freePort();
  origin = `http://localhost:${port}`;
  ids = await pool(emu, { callbacks: [`${origin}/`, `${origin}/oidc/callback`] });
  await user(emu, ids.poolId, 'frank', { extra: [{ Name: 'name', Value: 'Frank <F.>' }] });
  const env = { ...process.env, EMULATOR_URL: emu.url, HTTPS_DOMAIN: emu.httpsDomain, POOL_ID: ids.poolId,
    CLIENT_ID: ids.clientId, PORT: String(port) };
  example = spawn(process.execPath, ['serve.mjs'], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    example.stdout.on('data', (d) => { if (String(d).includes('example relying parties')) resolve(); });
    example.once('exit', (code) => reject(new Error(`examples/oauth/serve.mjs exited (${code})`)));
  });
  ({ browser, trusted } = await launchBrowser({ caFile: emu.caFile }));
});

after(async () => {
  await browser?.close();
  example?.kill();
  emu?.stop();
});

test('Amplify: signInWithRedirect, fetchAuthSession, refresh, signOut over HTTPS', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: !trusted });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Signed out');
  await page.click('#signin');
  await page.waitForURL(`https://${emu.httpsDomain}/login?**`);
  await screenshot(page, 'amplify-hosted-login');
  await signIn(page, 'frank', 'Passw0rd!');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Signed in as frank', null, { timeout: 15_000 });
  assert.ok((await page.evaluate(() => window.__events)).includes('signInWithRedirect'));
  await screenshot(page, 'amplify-signed-in');

  const session = await page.evaluate(async () => {
    const s = await window.amplifyAuth.fetchAuthSession();
    return { access: s.tokens.accessToken.payload, id: s.tokens.idToken.payload };
  });
  assert.equal(session.access.username, 'frank');
  assert.equal(session.access.scope, 'openid email profile aws.cognito.signin.user.admin');
  assert.equal(session.id.iss, `https://${emu.httpsDomain}/${ids.poolId}`);
  assert.equal(session.id.name, 'Frank <F.>');

  await emu.advance(5);
  const refreshed = await page.evaluate(async () => {
    const s = await window.amplifyAuth.fetchAuthSession({ forceRefresh: true });
    return s.tokens.accessToken.payload;
  });
  assert.ok(refreshed.iat > session.access.iat, 'a new access token');
  assert.equal(refreshed.scope, session.access.scope);

  await page.click('#signout');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Signed out', null, { timeout: 15_000 });
  assert.equal(new URL(page.url()).origin, origin);
  // The hosted session ended (/logout): signing in again shows the form.
  await page.click('#signin');
  await page.waitForURL(`https://${emu.httpsDomain}/login?**`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('openid-client relying party of the example', async () => {
  const page = await browser.newPage();
  await page.goto(`${origin}/oidc/login`);
  await page.waitForSelector('#signInFormUsername');
  await signIn(page, 'frank', 'Passw0rd!');
  await page.waitForSelector('#oidc-user');
  assert.equal(await page.textContent('#oidc-user'), 'Signed in as frank');
  const info = JSON.parse(await page.textContent('#userinfo'));
  assert.equal(info.email, 'frank@example.com');
  assert.equal(info.name, 'Frank <F.>');
  await screenshot(page, 'oidc-example-callback');
  await page.close();
});
