// The authorization-code flow with PKCE as a relying party runs it with openid-client v6, the user
// signing in through the hosted page in Chromium: discovery -> authorize -> sign-in -> callback ->
// token -> userInfo -> refresh -> revoke -> logout, the session cookie skipping the form, and the
// refusals a browser sees (missing CSRF token, <script> in state, wrong password).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import * as client from 'openid-client';

import { appServer, launchBrowser, pool, screenshot, signIn, startEmulator, user } from './harness.mjs';

let emu;
let app;
let browser;
let ids;

before(async () => {
  emu = await startEmulator();
  app = await appServer();
  ({ browser } = await launchBrowser());
  ids = await pool(emu, { callbacks: [`${app.origin}/cb`] });
  await user(emu, ids.poolId, 'alice', { extra: [{ Name: 'name', Value: '<b>Alice & Co</b>' }] });
});

after(async () => {
  await browser?.close();
  await app?.close();
  emu?.stop();
});

async function discover() {
  return client.discovery(new URL(`${emu.url}/${ids.poolId}`), ids.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

test('code flow with PKCE: discovery, hosted sign-in, token, userInfo, refresh, revoke, logout', async () => {
  const config = await discover();
  assert.equal(config.serverMetadata().issuer, `${emu.url}/${ids.poolId}`);
  const verifier = client.randomPKCECodeVerifier();
  const challenge = await client.calculatePKCECodeChallenge(verifier);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirect_uri = `${app.origin}/cb`;
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri, scope: 'openid email profile', code_challenge: challenge, code_challenge_method: 'S256', state, nonce,
  });

  const context = await browser.newContext();
  const page = await context.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(authUrl.href);
  await page.waitForSelector('#signInFormUsername');
  assert.ok(await page.$eval('#signInFormUsername', (el) => el === document.activeElement), 'the username field has the focus');
  await screenshot(page, 'login');
  await signIn(page, 'alice', 'wrong-password');
  await page.waitForSelector('#errorMessage');
  assert.equal(await page.textContent('#errorMessage'), 'Incorrect username or password.');
  await screenshot(page, 'login-error');
  // Keyboard only: type, Tab, type, Enter.
  await page.fill('#signInFormUsername', '');
  await page.focus('#signInFormUsername');
  await page.keyboard.type('alice');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Passw0rd!');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${redirect_uri}?**`);

  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  const idClaims = tokens.claims();
  assert.equal(idClaims.iss, `${emu.url}/${ids.poolId}`);
  assert.equal(idClaims.nonce, nonce);
  assert.equal(idClaims['cognito:username'], 'alice');
  assert.equal(idClaims.name, '<b>Alice & Co</b>');
  assert.ok(idClaims.at_hash);
  const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url'));
  assert.equal(access.scope, 'openid email profile');
  assert.equal(access.username, 'alice');

  const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
  assert.equal(info.email, 'alice@example.com');
  assert.equal(info.email_verified, 'true');
  assert.equal(info.username, 'alice');

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.equal(JSON.parse(Buffer.from(refreshed.access_token.split('.')[1], 'base64url')).scope, 'openid email profile');

  // The session cookie: a second authorize goes straight back with a code.
  const state2 = client.randomState();
  await page.goto(client.buildAuthorizationUrl(config, { redirect_uri, scope: 'openid', state: state2 }).href);
  await page.waitForURL(`${redirect_uri}?**`);
  const second = await client.authorizationCodeGrant(config, new URL(page.url()), { expectedState: state2 });
  assert.equal(second.claims().sub, idClaims.sub);

  await client.tokenRevocation(config, tokens.refresh_token);
  await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');

  // Cognito's logout: client_id + logout_uri; the next authorize shows the form again.
  const end = new URL(config.serverMetadata().end_session_endpoint);
  end.searchParams.set('client_id', ids.clientId);
  end.searchParams.set('logout_uri', redirect_uri);
  await page.goto(end.href);
  await page.waitForURL(`${redirect_uri}`);
  await page.goto(client.buildAuthorizationUrl(config, { redirect_uri, scope: 'openid', state: 'x' }).href);
  await page.waitForSelector('#signInFormUsername');
  assert.deepEqual(dialogs, []);
  await context.close();
});

test('a form posted without its CSRF token is refused with 403 and signs nobody in', async () => {
  const config = await discover();
  const context = await browser.newContext();
  const page = await context.newPage();
  const evil = '<script>alert("state")</script>';
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(client.buildAuthorizationUrl(config, { redirect_uri: `${app.origin}/cb`, scope: 'openid', state: evil }).href);
  await page.waitForSelector('#signInFormUsername');
  assert.ok(!(await page.content()).includes('<script>alert'), 'state is never echoed raw');
  await page.evaluate(() => document.querySelector('input[name=_csrf]').remove());
  const response = page.waitForResponse((r) => r.request().method() === 'POST');
  await signIn(page, 'alice', 'Passw0rd!');
  assert.equal((await response).status(), 403);
  await screenshot(page, 'csrf-refused');
  assert.ok(!page.url().startsWith(app.origin));
  const cookies = await context.cookies();
  assert.ok(!cookies.some((c) => c.name === 'cognito'), 'no hosted session was started');
  assert.deepEqual(dialogs, []);
  await context.close();
});

test('unknown client and unregistered redirect end on the error page', async () => {
  const page = await browser.newPage();
  const res = await page.goto(`${emu.url}/oauth2/authorize?response_type=code&client_id=${ids.clientId}&redirect_uri=${encodeURIComponent('https://evil.example.com/')}`);
  assert.equal(res.status(), 400);
  assert.match(page.url(), /\/error\?error=redirect_mismatch/);
  assert.match(await page.textContent('h1'), /An error was encountered/);
  await screenshot(page, 'error-page');
  await page.close();
});
