// The web console (/_emulator/ui) in Chromium: browse pools → users → a user; search; disable a user
// and see boto3's sign-in refused; read a code from the outbox page (it arrives by the live refresh)
// and confirm a sign-up with it; decode a token; advance the clock and see a code expire; an attribute
// holding <script> stays text. Screenshots of every page go to artifacts/console-*.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { HERE, launchBrowser, pool, screenshot, startEmulator, user } from './harness.mjs';

const PYTHON = path.resolve(HERE, '..', '.venv', 'bin', 'python');

let emu;
let browser;
let ids;
let page;
const dialogs = [];

/** Signs in through boto3 (the venv tests/run makes); returns "SIGNED_IN" or "REFUSED <message>". */
function boto3SignIn(username, password) {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: run tests/run (it creates tests/e2e/.venv with boto3)`);
  const script = `
import os, boto3
idp = boto3.client("cognito-idp", endpoint_url=os.environ["URL"], region_name="us-east-1",
                   aws_access_key_id="local", aws_secret_access_key="local")
try:
    idp.initiate_auth(ClientId=os.environ["CLIENT"], AuthFlow="USER_PASSWORD_AUTH",
                      AuthParameters={"USERNAME": os.environ["NAME"], "PASSWORD": os.environ["PASSWORD"]})
    print("SIGNED_IN")
except idp.exceptions.NotAuthorizedException as e:
    print("REFUSED", e.response["Error"]["Message"])
`;
  return execFileSync(PYTHON, ['-c', script], {
    encoding: 'utf8',
    env: { ...process.env, URL: emu.url, CLIENT: ids.clientId, NAME: username, PASSWORD: password },
  }).trim();
}

const ui = (p = '') => `${emu.url}/_emulator/ui${p}`;

before(async () => {
  emu = await startEmulator();
  ({ browser } = await launchBrowser());
  ids = await pool(emu, { clientExtra: { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] } });
  await emu.api('CreateGroup', { UserPoolId: ids.poolId, GroupName: 'admins', Description: 'Administrators' });
  await emu.api('CreateResourceServer', { UserPoolId: ids.poolId, Identifier: 'https://api.example.com', Name: 'api',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read things' }] });
  await user(emu, ids.poolId, 'alice', { extra: [{ Name: 'name', Value: 'Alice Liddell' }] });
  for (const n of ['bob', 'bea', 'carl']) await user(emu, ids.poolId, n);
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('dialog', (d) => { dialogs.push(d.message()); d.accept(); });
});

after(async () => {
  await browser?.close();
  emu?.stop();
});

test('browse pools → a pool → users → a user, and every page of the pool', async () => {
  await page.goto(ui());
  await screenshot(page, 'console-home');
  await page.click(`text=hosted`);
  await page.waitForSelector('text=Schema');
  assert.match(await page.textContent('main'), new RegExp(ids.poolId));
  await screenshot(page, 'console-pool-settings');
  for (const [tab, name, wanted] of [['App clients', 'clients', ids.clientId], ['Groups', 'groups', 'Administrators'],
    ['Resource servers', 'resource-servers', 'https://api.example.com/read'], ['Identity providers', 'identity-providers', 'Identity providers']]) {
    await page.click(`nav.tabs >> text=${tab}`);
    await page.waitForSelector(`nav.tabs a.active:has-text("${tab}")`);
    assert.match(await page.textContent('main'), new RegExp(wanted.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
    await screenshot(page, `console-pool-${name}`);
  }
  // The client's secret-less card, and a group's members.
  await page.click('nav.tabs >> text=Users');
  await page.waitForSelector('#users table');
  await screenshot(page, 'console-users');
  await page.click('#users >> text=alice');
  await page.waitForSelector('#username');
  assert.equal(await page.textContent('#username'), 'alice');
  assert.match(await page.textContent('main'), /Alice Liddell/);
  await screenshot(page, 'console-user');
});

test('search users as ListUsers filters do', async () => {
  await page.goto(ui(`/pools/${ids.poolId}/users`));
  await page.selectOption('select[name=attr]', 'username');
  await page.selectOption('select[name=match]', 'prefix');
  await page.fill('input[name=value]', 'b');
  await page.click('#search button');
  await page.waitForSelector('text=ListUsers Filter');
  const names = await page.$$eval('#users tbody tr td:first-child', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(names.sort(), ['bea', 'bob']);
  await screenshot(page, 'console-users-search');
  await page.selectOption('select[name=attr]', 'email');
  await page.selectOption('select[name=match]', 'exact');
  await page.fill('input[name=value]', 'carl@example.com');
  await page.click('#search button');
  await page.waitForSelector('text=email = "carl@example.com"');
  assert.deepEqual(await page.$$eval('#users tbody tr td:first-child', (tds) => tds.map((t) => t.textContent)), ['carl']);
});

test('disable a user in the console: boto3 sign-in is refused, enable again: allowed', async () => {
  assert.equal(boto3SignIn('bob', 'Passw0rd!'), 'SIGNED_IN');
  await page.goto(ui(`/pools/${ids.poolId}/users/bob`));
  await page.click('#actions >> button:has-text("Disable")');
  await page.waitForSelector('#infoMessage');
  assert.equal(await page.textContent('#userEnabled'), 'Disabled');
  assert.equal(boto3SignIn('bob', 'Passw0rd!'), 'REFUSED User is disabled.');
  await screenshot(page, 'console-user-disabled');
  await page.click('#actions >> button:has-text("Enable")');
  await page.waitForSelector('#userEnabled >> text=Enabled');
  assert.equal(boto3SignIn('bob', 'Passw0rd!'), 'SIGNED_IN');
});

test('a code read from the outbox page (arriving live) confirms the sign-up', async () => {
  await page.goto(ui('/outbox'));
  await page.waitForSelector('#live:checked');
  await emu.api('SignUp', { ClientId: ids.clientId, Username: 'dora', Password: 'Passw0rd!',
    UserAttributes: [{ Name: 'email', Value: 'dora@example.com' }] });
  // No reload: console.js polls the feed and adds the row.
  const row = page.locator('#outbox tbody tr', { hasText: 'dora@example.com' });
  await row.waitFor({ timeout: 15_000 });
  const code = await row.locator('td.code-cell mark').textContent();
  assert.match(code, /^\d{6}$/);
  assert.equal(await row.locator('pre.body mark.code').first().textContent(), code, 'the code is highlighted in the message');
  await screenshot(page, 'console-outbox');
  await emu.api('ConfirmSignUp', { ClientId: ids.clientId, Username: 'dora', ConfirmationCode: code });
  await row.locator('a', { hasText: 'dora' }).click();
  await page.waitForSelector('#userStatus');
  assert.equal(await page.textContent('#userStatus'), 'CONFIRMED');
});

test('decode a token: header, claims, checks against the pool JWKS', async () => {
  const out = await emu.api('InitiateAuth', { ClientId: ids.clientId, AuthFlow: 'USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: 'alice', PASSWORD: 'Passw0rd!' } });
  await page.goto(ui());
  await page.click('nav.main >> text=Tokens');
  await page.fill('#token', out.AuthenticationResult.IdToken);
  await page.click('button:has-text("Decode and check")');
  await page.waitForSelector('#verdict');
  assert.match(await page.textContent('#verdict'), /^Valid/);
  assert.match(await page.textContent('#claims'), /alice@example\.com/);
  assert.match(await page.textContent('#checks'), /the ID-token key of the pool's JWKS/);
  await screenshot(page, 'console-token');
  const tampered = out.AuthenticationResult.IdToken.slice(0, -4) + 'AAAA';
  await page.fill('#token', tampered);
  await page.click('button:has-text("Decode and check")');
  await page.waitForSelector('#verdict');
  assert.match(await page.textContent('#verdict'), /Not valid: Signature/);
});

test('advance the clock in the console and see a code expire', async () => {
  await emu.api('SignUp', { ClientId: ids.clientId, Username: 'eve', Password: 'Passw0rd!',
    UserAttributes: [{ Name: 'email', Value: 'eve@example.com' }] });
  const code = await emu.lastCode('eve@example.com');
  await page.goto(ui(`/pools/${ids.poolId}/users/eve`));
  assert.equal(await page.textContent('.code-state'), 'valid');
  await page.click('nav.main >> text=Clock & data');
  const before = await page.textContent('#emulatorTime');
  await page.click('button:has-text("+ 25 hours")');
  await page.waitForSelector('#infoMessage');
  assert.notEqual(await page.textContent('#emulatorTime'), before);
  assert.match(await page.textContent('#clockOffset'), /1 d 1 h/);
  await screenshot(page, 'console-clock');
  await page.goto(ui(`/pools/${ids.poolId}/users/eve`));
  assert.equal(await page.textContent('.code-state'), 'expired');
  await assert.rejects(
    emu.api('ConfirmSignUp', { ClientId: ids.clientId, Username: 'eve', ConfirmationCode: code }),
    /ExpiredCodeException/,
  );
});

test('an attribute holding <script> stays text; the trigger log; reset a pool', async () => {
  const evil = '<script>window.__pwned = 1; alert(1)</script>';
  await emu.api('AdminUpdateUserAttributes', { UserPoolId: ids.poolId, Username: 'carl',
    UserAttributes: [{ Name: 'name', Value: evil }] });
  const before = dialogs.length;
  await page.goto(ui(`/pools/${ids.poolId}/users/carl`));
  const values = await page.$$eval('.attr-value', (els) => els.map((e) => e.textContent));
  assert.ok(values.includes(evil), JSON.stringify(values));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  await page.goto(ui(`/pools/${ids.poolId}/users?attr=name&match=exact&value=${encodeURIComponent(evil)}`));
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(dialogs.length, before, 'no script ran');
  await screenshot(page, 'console-escaped');

  await page.goto(ui('/triggers'));
  await page.waitForSelector('#invocations');
  await screenshot(page, 'console-triggers');

  // Reset the pool from its settings page (the confirmation dialog is accepted).
  await page.goto(ui(`/pools/${ids.poolId}`));
  await page.click('button:has-text("Reset this pool")');
  await page.waitForSelector('#infoMessage');
  assert.ok(dialogs.some((d) => /Delete every user/.test(d)));
  const listed = await emu.api('ListUsers', { UserPoolId: ids.poolId });
  assert.equal(listed.Users.length, 0);
});
