// Amplify v6's passkey APIs in a bundled page against the emulator (userPoolEndpoint), in Chromium with
// a CDP virtual authenticator: associateWebAuthnCredential, listWebAuthnCredentials, signIn with
// USER_AUTH + preferredChallenge WEB_AUTHN, the first-factor selection (confirmSignIn 'WEB_AUTHN'), and
// deleteWebAuthnCredential.

import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { build } from 'esbuild';

import { PASSWORD, createUser, launchChromium, pageWithAuthenticator, passkeyPool, serve, startEmulator } from './harness.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
let emu;
let site;
let browser;
let dir;

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'amplify-passkeys-'));
  await build({
    entryPoints: [path.join(HERE, 'amplify', 'entry.mjs')],
    bundle: true, format: 'iife', platform: 'browser', target: 'es2022',
    outfile: path.join(dir, 'bundle.js'), logLevel: 'error',
  });
  await copyFile(path.join(HERE, 'amplify', 'index.html'), path.join(dir, 'index.html'));
  emu = await startEmulator();
  site = await serve(dir);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await emu?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('Amplify v6: associateWebAuthnCredential, then signIn with WEB_AUTHN (preferred and selected), list, delete', async () => {
  const pool = await passkeyPool(emu, 'required');
  await createUser(emu, pool.poolId, 'amy');
  const { page, credentials } = await pageWithAuthenticator(browser, { transport: 'internal', hasUserVerification: true, isUserVerified: true });
  await page.goto(`${site.base}/index.html`);
  await page.waitForFunction(() => window.amplify);
  const run = (f, arg) => page.evaluate(async ([src, arg]) => {
    // eslint-disable-next-line no-new-func
    return new Function('a', 'arg', `return (${src})(a, arg);`)(window.amplify, arg);
  }, [f.toString(), arg]);

  await run((a, [poolId, clientId, endpoint]) => a.Amplify.configure({
    Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: endpoint, loginWith: { username: true } } },
  }), [pool.poolId, pool.clientId, emu.url]);

  const first = await run((a, p) => a.signIn({ username: 'amy', password: p, options: { authFlowType: 'USER_PASSWORD_AUTH' } }), PASSWORD);
  assert.equal(first.isSignedIn, true, JSON.stringify(first));
  await run((a) => a.associateWebAuthnCredential());
  assert.equal((await credentials()).length, 1);
  const listed = await run((a) => a.listWebAuthnCredentials());
  assert.equal(listed.credentials.length, 1);
  const [cred] = listed.credentials;
  assert.equal(cred.relyingPartyId, 'localhost');
  assert.equal(cred.authenticatorAttachment, 'platform');
  await run((a) => a.signOut());

  // USER_AUTH preferring WEB_AUTHN: Amplify answers the challenge with navigator.credentials.get itself.
  const passkey = await run((a) => a.signIn({ username: 'amy', options: { authFlowType: 'USER_AUTH', preferredChallenge: 'WEB_AUTHN' } }));
  assert.deepEqual(passkey, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  const session = await run(async (a) => (await a.fetchAuthSession()).tokens.idToken.payload['cognito:username']);
  assert.equal(session, 'amy');
  await run((a) => a.signOut());

  // No preference: Amplify shows the first-factor selection, and the user picks the passkey.
  const choice = await run((a) => a.signIn({ username: 'amy', options: { authFlowType: 'USER_AUTH' } }));
  assert.equal(choice.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION', JSON.stringify(choice));
  assert.ok(choice.nextStep.availableChallenges.includes('WEB_AUTHN'), JSON.stringify(choice));
  const picked = await run((a) => a.confirmSignIn({ challengeResponse: 'WEB_AUTHN' }));
  assert.equal(picked.isSignedIn, true, JSON.stringify(picked));

  await run((a, id) => a.deleteWebAuthnCredential({ credentialId: id }), cred.credentialId);
  assert.deepEqual((await run((a) => a.listWebAuthnCredentials())).credentials, []);
  await run((a) => a.signOut());
  await page.close();
});
