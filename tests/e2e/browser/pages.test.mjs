// The account pages and sign-in steps in Chromium: sign up and confirm with the mailed code, forgot
// password, a temporary password changed on the page, TOTP set up and then asked for (MFA ON), with
// attributes and usernames shown escaped.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { appServer, launchBrowser, pool, screenshot, signIn, startEmulator, totp, user } from './harness.mjs';

let emu;
let app;
let browser;

before(async () => {
  emu = await startEmulator();
  app = await appServer();
  ({ browser } = await launchBrowser());
});

after(async () => {
  await browser?.close();
  await app?.close();
  emu?.stop();
});

function authorizeUrl(ids, extra = '') {
  const redirect = encodeURIComponent(`${app.origin}/cb`);
  return `${emu.url}/oauth2/authorize?response_type=code&client_id=${ids.clientId}&redirect_uri=${redirect}&scope=openid+email${extra}`;
}

test('sign up, confirm with the mailed code, sign in; forgot password', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`],
    poolExtra: { Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true },
      { Name: 'name', AttributeDataType: 'String', Required: true, Mutable: true }] } });
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  await page.goto(authorizeUrl(ids));
  await page.click('text=Sign up');
  await page.waitForSelector('#username');
  await screenshot(page, 'signup');
  // A too-short password: the form comes back with the policy's message and the values escaped.
  await page.fill('#username', '<img src=x onerror=alert(1)>');
  await page.fill('[name="requiredAttributes[email]"]', 'carol@example.com');
  await page.fill('[name="requiredAttributes[name]"]', '"><script>alert(2)</script>');
  await page.fill('#password', 'short');
  await page.click('button[type=submit]');
  await page.waitForSelector('#errorMessage');
  assert.equal(await page.inputValue('[name="requiredAttributes[name]"]'), '"><script>alert(2)</script>');
  await screenshot(page, 'signup-error');

  await page.fill('#username', 'carol');
  await page.fill('[name="requiredAttributes[name]"]', 'Carol <Admin>');
  await page.fill('#password', 'Passw0rd!');
  await page.click('button[type=submit]');
  await page.waitForSelector('#confirmUsername');
  assert.equal(await page.textContent('#confirmUsername'), 'carol');
  await screenshot(page, 'confirm');
  await page.fill('#code', '000000');
  await page.click('text=Confirm account');
  await page.waitForSelector('#errorMessage');
  await page.fill('#code', await emu.lastCode('carol@example.com'));
  await page.click('text=Confirm account');
  // Confirmed in the browser that signed up: signed in at once, as AWS's hosted UI does.
  await page.waitForURL(`${app.origin}/cb?code=**`);

  // Forgot password, with a fresh browser (no session).
  const other = await browser.newPage();
  await other.goto(authorizeUrl(ids));
  await other.click('text=Forgot your password?');
  await other.waitForSelector('#username');
  await screenshot(other, 'forgot-password');
  await other.fill('#username', 'carol');
  await other.click('button[type=submit]');
  await other.waitForSelector('#code');
  await screenshot(other, 'confirm-forgot-password');
  await other.fill('#code', await emu.lastCode('carol@example.com'));
  await other.fill('#password', 'N3w-passw0rd');
  await other.fill('#confirmPassword', 'N3w-passw0rd');
  await other.click('button[type=submit]');
  await other.waitForSelector('#infoMessage');
  await signIn(other, 'carol', 'N3w-passw0rd');
  await other.waitForURL(`${app.origin}/cb?code=**`);
  assert.deepEqual(dialogs, []);
  await page.close();
  await other.close();
});

test('a temporary password is changed on the page', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`] });
  await emu.api('AdminCreateUser', { UserPoolId: ids.poolId, Username: 'dave', TemporaryPassword: 'Temp-Passw0rd',
    MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'dave@example.com' }] });
  const page = await browser.newPage();
  await page.goto(authorizeUrl(ids));
  await signIn(page, 'dave', 'Temp-Passw0rd');
  await page.waitForSelector('#confirmPassword');
  await screenshot(page, 'new-password');
  await page.fill('#password', 'Final-Passw0rd');
  await page.fill('#confirmPassword', 'Final-Passw0rd');
  await page.click('button[type=submit]');
  await page.waitForURL(`${app.origin}/cb?code=**`);
  const { UserStatus } = await emu.api('AdminGetUser', { UserPoolId: ids.poolId, Username: 'dave' });
  assert.equal(UserStatus, 'CONFIRMED');
  await page.close();
});

test('TOTP: set up on the first sign-in, asked for on the next', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`] });
  await emu.api('SetUserPoolMfaConfig', { UserPoolId: ids.poolId, MfaConfiguration: 'ON',
    SoftwareTokenMfaConfiguration: { Enabled: true } });
  await user(emu, ids.poolId, 'erin');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(authorizeUrl(ids));
  await signIn(page, 'erin', 'Passw0rd!');
  await page.waitForSelector('#secretCode');
  await screenshot(page, 'mfa-setup');
  const secret = (await page.textContent('#secretCode')).trim();
  await page.fill('#code', '000000');
  await page.click('button[type=submit]');
  await page.waitForSelector('#errorMessage');
  await page.fill('#code', totp(secret, await emu.now()));
  await page.click('button[type=submit]');
  await page.waitForURL(`${app.origin}/cb?code=**`);
  await context.close();

  // Next sign-in (new browser, next 30-second step): the code is asked for.
  await emu.advance(30);
  const second = await browser.newPage();
  await second.goto(authorizeUrl(ids));
  await signIn(second, 'erin', 'Passw0rd!');
  await second.waitForSelector('#code');
  assert.match(await second.textContent('h1'), /Multi-factor/);
  await screenshot(second, 'mfa-totp');
  await second.fill('#code', totp(secret, await emu.now()));
  await second.click('button[type=submit]');
  await second.waitForURL(`${app.origin}/cb?code=**`);
  await second.close();
});
