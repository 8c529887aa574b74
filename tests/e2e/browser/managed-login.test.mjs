// Branding, languages, passkeys and email MFA set-up on the hosted pages, in Chromium: the pool's
// SetUICustomization CSS and logo on the classic page, a managed login style on a ManagedLoginVersion 2
// domain with the page in German, email MFA set up during sign-in (MFA required), and passkeys on the
// managed login pages with a CDP virtual authenticator (registered on /passkeys/add right after a
// sign-up is confirmed, then "Sign in with passkey"). Screenshots of each page go to artifacts/.

import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { after, before, test } from 'node:test';

import { appServer, launchBrowser, pool, screenshot, signIn, startEmulator, user } from './harness.mjs';

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

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};

/** A `width` x `height` PNG: a coloured band with a lighter stripe (a logo the screenshot shows). */
function logoPng(width = 160, height = 48, [r, g, b] = [194, 24, 91]) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  const rows = [];
  for (let y = 0; y < height; y += 1) {
    const row = [0];
    for (let x = 0; x < width; x += 1) {
      const stripe = y > height / 3 && y < (2 * height) / 3 && x > 12 && x < width - 12;
      row.push(stripe ? 255 : r, stripe ? 255 : g, stripe ? 255 : b);
    }
    rows.push(Buffer.from(row));
  }
  const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
  return png.toString('base64');
}

function authorizeUrl(base, ids, extra = '') {
  const redirect = encodeURIComponent(`${app.origin}/cb`);
  return `${base}/oauth2/authorize?response_type=code&client_id=${ids.clientId}&redirect_uri=${redirect}&scope=openid+email${extra}`;
}

const background = (page, selector) => page.$eval(selector, (e) => getComputedStyle(e).backgroundColor);

test('the classic hosted UI shows the pool\'s CSS and logo', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`] });
  await user(emu, ids.poolId, 'carla');
  await emu.api('SetUICustomization', {
    UserPoolId: ids.poolId, ClientId: 'ALL', ImageFile: logoPng(),
    CSS: '.submitButton-customizable { background-color: #c2185b; color: #ffffff; } '
      + '.background-customizable { background-color: #fce4ec; } .label-customizable { color: #880e4f; }',
  });
  const page = await browser.newPage();
  await page.goto(authorizeUrl(emu.url, ids));
  await page.waitForSelector('#signInFormUsername');
  assert.equal(await background(page, '#signInSubmitButton'), 'rgb(194, 24, 91)');
  assert.equal(await background(page, '.card'), 'rgb(252, 228, 236)');
  assert.ok(await page.$eval('#logo', (img) => img.complete && img.naturalWidth === 160), 'the logo is drawn');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await screenshot(page, 'customized-classic');
  await signIn(page, 'carla', 'Passw0rd!');
  await page.waitForURL(`${app.origin}/cb?code=**`);
  await page.close();
});

test('managed login: the client\'s branding style, in German', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`] });
  await user(emu, ids.poolId, 'greta');
  await emu.api('CreateUserPoolDomain', { UserPoolId: ids.poolId, Domain: 'greta-pages', ManagedLoginVersion: 2 });
  await emu.api('CreateManagedLoginBranding', {
    UserPoolId: ids.poolId, ClientId: ids.clientId,
    Settings: {
      categories: { global: { colorSchemeMode: 'DARK' } },
      components: {
        pageBackground: { darkMode: { color: '1b1035ff' } },
        form: { darkMode: { backgroundColor: '2a1b4dff', borderColor: '7e57c2ff' }, borderRadius: 18, logo: { enabled: true } },
        primaryButton: { darkMode: { defaults: { backgroundColor: 'ffb300ff', textColor: '1b1035ff' } } },
        pageText: { darkMode: { headingColor: 'ffffffff', bodyColor: 'd1c4e9ff' } },
      },
    },
    Assets: [{ Category: 'FORM_LOGO', ColorMode: 'DARK', Extension: 'PNG', Bytes: logoPng(160, 48, [255, 179, 0]) }],
  });
  const page = await browser.newPage();
  await page.goto(authorizeUrl(emu.url, ids, '&lang=de'));
  await page.waitForSelector('#signInFormUsername');
  assert.equal(await page.getAttribute('html', 'lang'), 'de');
  assert.equal(await page.textContent('h1'), 'Anmelden');
  assert.equal(await page.textContent('label[for=signInFormPassword]'), 'Passwort');
  assert.equal(await background(page, '#signInSubmitButton'), 'rgb(255, 179, 0)');
  assert.equal(await background(page, 'body'), 'rgb(27, 16, 53)');
  assert.ok(await page.$eval('#logo', (img) => img.complete && img.naturalWidth === 160));
  await page.fill('#signInFormUsername', 'greta');
  await page.fill('#signInFormPassword', 'falsch');
  await page.click('#signInSubmitButton');
  await page.waitForSelector('#errorMessage');
  assert.equal(await page.textContent('#errorMessage'), 'Falscher Benutzername oder falsches Passwort.');
  await screenshot(page, 'managed-login-de');
  // The language stays for the next page without `lang` (the cookie).
  await page.click('text=Passwort vergessen?');
  await page.waitForSelector('#username');
  assert.equal(await page.textContent('h1'), 'Passwort vergessen?');
  await page.click('text=Zurück zur Anmeldung');
  await page.waitForSelector('#signInFormUsername');
  assert.equal(await page.textContent('h1'), 'Anmelden');
  await signIn(page, 'greta', 'Passw0rd!');
  await page.waitForURL(`${app.origin}/cb?code=**`);
  await page.close();
});

test('email MFA set-up during sign-in when MFA is required', async () => {
  const ids = await pool(emu, { callbacks: [`${app.origin}/cb`], poolExtra: { Schema: [{ Name: 'name', AttributeDataType: 'String', Required: false, Mutable: true }] } });
  await emu.api('SetUserPoolMfaConfig', {
    UserPoolId: ids.poolId, MfaConfiguration: 'ON',
    EmailMfaConfiguration: { Subject: 'Your sign-in code', Message: 'Your code is {####}' },
    SoftwareTokenMfaConfiguration: { Enabled: true },
  });
  await emu.api('AdminCreateUser', { UserPoolId: ids.poolId, Username: 'edda', MessageAction: 'SUPPRESS' });
  await emu.api('AdminSetUserPassword', { UserPoolId: ids.poolId, Username: 'edda', Password: 'Passw0rd!', Permanent: true });
  const page = await browser.newPage();
  await page.goto(authorizeUrl(emu.url, ids));
  await signIn(page, 'edda', 'Passw0rd!');
  await page.waitForSelector('input[name=setup][value=EMAIL_OTP]');
  await screenshot(page, 'mfa-setup-choice');
  await page.check('input[name=setup][value=EMAIL_OTP]');
  await page.click('button[type=submit]');
  await page.waitForSelector('#email');
  await screenshot(page, 'mfa-setup-email');
  await page.fill('#email', 'edda@example.com');
  await page.click('button[type=submit]');
  await page.waitForSelector('#code');
  assert.match(await page.textContent('.sub'), /e\*\*\*@e\*\*\*/);
  await screenshot(page, 'mfa-setup-email-code');
  await page.fill('#code', await emu.lastCode('edda@example.com'));
  await page.click('button[type=submit]');
  await page.waitForURL(`${app.origin}/cb?code=**`);
  const { PreferredMfaSetting, UserAttributes } = await emu.api('AdminGetUser', { UserPoolId: ids.poolId, Username: 'edda' });
  assert.equal(PreferredMfaSetting, 'EMAIL_OTP');
  assert.deepEqual(UserAttributes.filter((a) => a.Name.startsWith('email')).map((a) => [a.Name, a.Value]).sort(),
    [['email', 'edda@example.com'], ['email_verified', 'true']]);
  await page.close();
});

test('passkeys on managed login: added after the sign-up is confirmed, then used to sign in', async () => {
  // WebAuthn needs the relying party's host: the pages are opened on http://localhost.
  const local = emu.url.replace('127.0.0.1', 'localhost');
  const ids = await pool(emu, {
    callbacks: [`${app.origin}/cb`],
    poolExtra: { Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } } },
    clientExtra: { ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
  });
  await emu.api('SetUserPoolMfaConfig', { UserPoolId: ids.poolId, WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: 'required' } });
  await emu.api('CreateUserPoolDomain', { UserPoolId: ids.poolId, Domain: 'passkey-pages', ManagedLoginVersion: 2 });

  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true,
      isUserVerified: true, automaticPresenceSimulation: true },
  });
  page.on('pageerror', (e) => console.error('page error:', e));

  await page.goto(authorizeUrl(local, ids, '&state=pk-1'));
  await page.click('text=Sign up');
  await page.waitForSelector('#username');
  await page.fill('#username', 'pilar');
  await page.fill('[name="requiredAttributes[email]"]', 'pilar@example.com');
  await page.fill('#password', 'Passw0rd!');
  await page.click('button[type=submit]');
  await page.waitForSelector('#code');
  await page.fill('#code', await emu.lastCode('pilar@example.com'));
  await page.click('text=Confirm account');
  await page.waitForSelector('#passkeyButton:not([hidden])');
  assert.match(page.url(), /\/passkeys\/add\?/);
  await screenshot(page, 'passkeys-add');
  await page.click('#passkeyButton');
  await page.waitForURL(`${app.origin}/cb?code=**&state=pk-1`);
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
  assert.equal(credentials.length, 1);
  assert.ok(credentials[0].isResidentCredential);
  const listed = await emu.api('AdminGetUser', { UserPoolId: ids.poolId, Username: 'pilar' });
  assert.equal(listed.UserStatus, 'CONFIRMED');

  // Sign in again with the passkey (prompt=login: the form even though the session is live).
  await page.goto(authorizeUrl(local, ids, '&state=pk-2&prompt=login'));
  await page.waitForSelector('#passkeySignInButton');
  await page.fill('#signInFormUsername', 'pilar');
  await page.click('#passkeySignInButton');
  await page.waitForSelector('#passkeyButton:not([hidden])');
  await screenshot(page, 'passkey-sign-in');
  await page.click('#passkeyButton');
  await page.waitForURL(`${app.origin}/cb?code=**&state=pk-2`);
  const after = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
  assert.ok(after[0].signCount >= 1, 'the authenticator signed');
  await page.close();
});
