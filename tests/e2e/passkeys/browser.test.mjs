// Passkeys in a real browser: Debian's Chromium with a CDP virtual authenticator opens the example page
// (examples/passkeys), which calls navigator.credentials.create / get with the options the emulator
// gives and posts the results back. Platform (internal) and roaming (usb) authenticators, with and
// without user verification, none and packed attestation; then the refusals a browser can produce.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { EXAMPLE_DIR, PASSWORD, createUser, launchChromium, pageWithAuthenticator, passkeyPool, serve, startEmulator } from './harness.mjs';

let emu;
let site;
let browser;

before(async () => {
  emu = await startEmulator();
  site = await serve(EXAMPLE_DIR);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await emu?.stop();
});

/** CDP gives credential ids in standard base64; the API in base64url. */
const b64url = (b64) => b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Opens the example page for a pool's client. */
async function open(authenticator, pool, username = '') {
  const a = await pageWithAuthenticator(browser, authenticator);
  const q = new URLSearchParams({ endpoint: emu.url, clientId: pool.clientId, username });
  await a.page.goto(`${site.base}/index.html?${q}`);
  await a.page.waitForFunction(() => window.passkeyDemo);
  return a;
}

/** Runs `f(demo, arg)` in the page, with demo = passkeyDemo({endpoint, clientId}). */
function inPage(page, pool, f, arg) {
  return page.evaluate(async ([src, endpoint, clientId, arg]) => {
    const demo = window.passkeyDemo({ endpoint, clientId });
    // eslint-disable-next-line no-new-func
    return new Function('demo', 'arg', `return (${src})(demo, arg);`)(demo, arg);
  }, [f.toString(), emu.url, pool.clientId, arg]);
}

/** Signs in with a password in the page and returns the access token. */
const passwordToken = (page, pool, username) =>
  inPage(page, pool, async (demo, [u, p]) => (await demo.signInWithPassword(u, p)).AccessToken, [username, PASSWORD]);

describe('passkeys in Chromium', () => {
  test('platform authenticator with user verification, through the page a person uses: register, sign in twice, list, delete', async () => {
    const pool = await passkeyPool(emu, 'required');
    await createUser(emu, pool.poolId, 'ana');
    const { page, credentials } = await open({ transport: 'internal', hasUserVerification: true, isUserVerified: true }, pool, 'ana');

    await page.fill('#password', PASSWORD);
    await page.click('#password-sign-in');
    await page.waitForSelector('#status:has-text("Signed in with a password as ana")');
    await page.click('#register');
    await page.waitForSelector('#status:has-text("registered")');
    const [cred] = await credentials();
    assert.equal(cred.rpId, 'localhost');
    assert.equal(cred.isResidentCredential, true, 'AWS asks for a discoverable credential');

    let seen = cred.signCount;
    for (const round of [1, 2]) {
      await page.click('#passkey-sign-in');
      await page.waitForSelector(`#status:has-text("Signed in with a passkey as ana")`);
      await page.evaluate(() => { document.getElementById('status').textContent = ''; });
      const [now] = await credentials();
      assert.ok(now.signCount > seen, `round ${round}: the counter moves on (${now.signCount} > ${seen})`);
      seen = now.signCount;
    }

    const access = await passwordToken(page, pool, 'ana');
    const list = await inPage(page, pool, (demo, token) => demo.list(token), access);
    assert.equal(list.length, 1);
    assert.equal(list[0].CredentialId, b64url(cred.credentialId));
    assert.equal(list[0].AuthenticatorAttachment, 'platform');
    assert.deepEqual(list[0].AuthenticatorTransports, ['internal']);
    assert.equal(list[0].RelyingPartyId, 'localhost');

    await inPage(page, pool, (demo, [token, id]) => demo.remove(token, id), [access, b64url(cred.credentialId)]);
    assert.deepEqual(await inPage(page, pool, (demo, token) => demo.list(token), access), []);
    const after = await inPage(page, pool, (demo) => demo.passkeyChallenge('ana').then(() => 'challenged', (e) => e.message));
    assert.match(after, /no passkey challenge/);
    await page.close();
  });

  test('roaming security key (usb) with user verification (a PIN) in a pool that requires it', async () => {
    const pool = await passkeyPool(emu, 'required');
    await createUser(emu, pool.poolId, 'bo');
    const { page, credentials } = await open({ transport: 'usb', hasUserVerification: true, isUserVerified: true }, pool);
    const access = await passwordToken(page, pool, 'bo');
    await inPage(page, pool, (demo, token) => demo.register(token), access);
    let [cred] = await credentials();
    for (let i = 0; i < 2; i += 1) {
      const tokens = await inPage(page, pool, (demo) => demo.signInWithPasskey('bo'));
      assert.ok(tokens.IdToken && tokens.RefreshToken);
      const [now] = await credentials();
      assert.ok(now.signCount > cred.signCount);
      cred = now;
    }
    const [listed] = await inPage(page, pool, (demo, token) => demo.list(token), access);
    assert.equal(listed.AuthenticatorAttachment, 'cross-platform');
    assert.deepEqual(listed.AuthenticatorTransports, ['usb']);
    await inPage(page, pool, (demo, [token, id]) => demo.remove(token, id), [access, listed.CredentialId]);
    assert.deepEqual(await inPage(page, pool, (demo, token) => demo.list(token), access), []);
    await page.close();
  });

  test('platform authenticator without user verification: accepted where the pool prefers it, refused where it requires it', async () => {
    // (Chromium creates no discoverable credential on a roaming key without a PIN, and AWS asks for
    // discoverable credentials: a key without user verification can only be a platform one here.)
    const preferred = await passkeyPool(emu, 'preferred');
    await createUser(emu, preferred.poolId, 'gil');
    const a = await open({ transport: 'internal', hasUserVerification: false }, preferred);
    const access = await passwordToken(a.page, preferred, 'gil');
    await inPage(a.page, preferred, (demo, token) => demo.register(token), access);
    for (let i = 0; i < 2; i += 1) {
      assert.ok((await inPage(a.page, preferred, (demo) => demo.signInWithPasskey('gil'))).AccessToken);
    }
    await a.page.close();

    const required = await passkeyPool(emu, 'required');
    await createUser(emu, required.poolId, 'hal');
    const b = await open({ transport: 'internal', hasUserVerification: false }, required);
    const token = await passwordToken(b.page, required, 'hal');
    // The page lowers the requirement the emulator sent; the emulator sees no UV flag and refuses.
    const refused = await inPage(b.page, required, (demo, t) => demo.register(t, (o) => ({
      ...o, authenticatorSelection: { ...o.authenticatorSelection, userVerification: 'discouraged' },
    })).then(() => 'registered', (e) => e.message), token);
    assert.match(refused, /WebAuthnCredentialNotSupportedException/);
    assert.deepEqual(await inPage(b.page, required, (demo, t) => demo.list(t), token), []);
    await b.page.close();
  });

  test('packed attestation (the page asks for direct attestation) with ES256 and RS256 keys', async () => {
    const pool = await passkeyPool(emu, 'required');
    for (const [user, alg] of [['cy', -7], ['dee', -257]]) {
      await createUser(emu, pool.poolId, user);
      const { page } = await open({ transport: 'internal', hasUserVerification: true, isUserVerified: true }, pool);
      const access = await passwordToken(page, pool, user);
      await inPage(page, pool, (demo, [token, a]) => demo.register(token, (o) => ({
        ...o, attestation: 'direct', pubKeyCredParams: o.pubKeyCredParams.filter((p) => p.alg === a),
      })), [access, alg]);
      const tokens = await inPage(page, pool, (demo, u) => demo.signInWithPasskey(u), user);
      assert.ok(tokens.AccessToken, `${user} signed in`);
      await page.close();
    }
  });

  test('refusals: a replayed assertion, a tampered signature, another user\'s passkey, a counter going backwards', async () => {
    const pool = await passkeyPool(emu, 'preferred');
    await createUser(emu, pool.poolId, 'eve');
    await createUser(emu, pool.poolId, 'fay');
    const { page, cdp, authenticatorId, credentials } = await open({ transport: 'internal', hasUserVerification: true, isUserVerified: true }, pool);
    for (const u of ['eve', 'fay']) {
      const token = await passwordToken(page, pool, u);
      await inPage(page, pool, (demo, t) => demo.register(t), token);
    }
    const creds = await credentials();
    const outcome = (f, arg) => inPage(page, pool, f, arg);

    // Replay: a good assertion, then the same one on a new challenge.
    const replay = await outcome(async (demo) => {
      const first = await demo.passkeyChallenge('eve');
      const json = await demo.assertion(first.options);
      await demo.answer('eve', first.session, json);
      const second = await demo.passkeyChallenge('eve');
      return demo.answer('eve', second.session, json).then(() => 'accepted', (e) => e.message);
    });
    assert.match(replay, /NotAuthorizedException.*challenge/);

    // A signature with one byte changed.
    const tampered = await outcome(async (demo) => {
      const c = await demo.passkeyChallenge('eve');
      const json = await demo.assertion(c.options);
      const sig = json.response.signature;
      json.response.signature = sig.slice(0, 10) + (sig[10] === 'A' ? 'B' : 'A') + sig.slice(11);
      return demo.answer('eve', c.session, json).then(() => 'accepted', (e) => e.message);
    });
    assert.match(tampered, /NotAuthorizedException/);

    // fay's passkey answering eve's challenge (the page lets the browser pick fay's credential).
    const fayId = (await inPage(page, pool, async (demo, [u, p]) => {
      const t = (await demo.signInWithPassword(u, p)).AccessToken;
      return (await demo.list(t))[0].CredentialId;
    }, ['fay', PASSWORD]));
    const crossed = await outcome(async (demo, id) => {
      const c = await demo.passkeyChallenge('eve');
      const json = await demo.assertion(c.options, (o) => ({
        ...o, allowCredentials: [{ type: 'public-key', id: Uint8Array.from(atob(id.replace(/-/g, '+').replace(/_/g, '/')), (x) => x.charCodeAt(0)) }],
      }));
      return demo.answer('eve', c.session, json).then(() => 'accepted', (e) => e.message);
    }, fayId);
    assert.match(crossed, /NotAuthorizedException.*not a passkey of this user/);

    // Counter backwards: the authenticator's copy of eve's credential is put back to counter 0.
    const eve = creds.find((c) => b64url(c.credentialId) !== fayId);
    const [current] = (await credentials()).filter((c) => c.credentialId === eve.credentialId);
    assert.ok(current.signCount > 1);
    await cdp.send('WebAuthn.removeCredential', { authenticatorId, credentialId: eve.credentialId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...current, signCount: 0 } });
    const backwards = await outcome((demo) => demo.signInWithPasskey('eve').then(() => 'accepted', (e) => e.message));
    assert.match(backwards, /NotAuthorizedException.*counter/);
    await page.close();
  });
});
