// Amplify JS v6 in Chromium against the emulator's HTTPS listener: signInWithRedirect through the hosted
// page, fetchAuthSession (and a forced refresh through GetTokensFromRefreshToken), signOut through
// RevokeToken and /logout. The page is bundled with esbuild and served on http://localhost; Chromium
// trusts the emulator's local CA through its NSS database (certutil), as a developer's browser would.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';

import { HERE, appServer, launchBrowser, pool, readFile, screenshot, signIn, startEmulator, user } from './harness.mjs';

let emu;
let app;
let browser;
let trusted;
let ids;
let bundle;

before(async () => {
  emu = await startEmulator();
  const built = await build({
    entryPoints: [path.join(HERE, 'app', 'amplify-app.js')],
    bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent',
  });
  bundle = built.outputFiles[0].text;
  const html = await readFile(path.join(HERE, 'app', 'index.html'), 'utf8');
  let config = {};
  app = await appServer({
    '/': ['text/html', () => html.replace('__CONFIG_JSON__', JSON.stringify(config))],
    '/app.js': ['text/javascript', () => bundle],
  });
  ids = await pool(emu, { callbacks: [`${app.origin}/`] });
  config = { userPoolId: ids.poolId, clientId: ids.clientId, domain: emu.httpsDomain, redirect: `${app.origin}/` };
  await user(emu, ids.poolId, 'frank');
  ({ browser, trusted } = await launchBrowser({ caFile: emu.caFile }));
});

after(async () => {
  await browser?.close();
  await app?.close();
  emu?.stop();
});

test('signInWithRedirect, fetchAuthSession, refresh, signOut over HTTPS', async () => {
  const context = await browser.newContext({ ignoreHTTPSErrors: !trusted });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${app.origin}/`);
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

  await emu.advance(5);
  const refreshed = await page.evaluate(async () => {
    const s = await window.amplifyAuth.fetchAuthSession({ forceRefresh: true });
    return s.tokens.accessToken.payload;
  });
  assert.ok(refreshed.iat > session.access.iat, 'a new access token');
  assert.equal(refreshed.scope, session.access.scope);

  await page.click('#signout');
  await page.waitForFunction(() => document.getElementById('status').textContent === 'Signed out', null, { timeout: 15_000 });
  assert.equal(new URL(page.url()).origin, app.origin);
  // The refresh token was revoked (RevokeToken) and the hosted session ended (/logout).
  await page.click('#signin');
  await page.waitForURL(`https://${emu.httpsDomain}/login?**`);
  assert.deepEqual(errors, []);
  await context.close();
});
