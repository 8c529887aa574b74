// Federation in Chromium: the hosted sign-in page's button → an upstream OpenID Provider (oidc-provider,
// OpenID Certified, started here on 127.0.0.1) → its login and consent pages → back through
// /oauth2/idpresponse → the app, whose relying party (openid-client) redeems the code; jose verifies the
// pool's ID token against the pool's JWKS. Spoiled upstream ID tokens end at the app as errors. SAML
// with a pysaml2 IdP (tests/e2e/saml/idp.py, Python from tests/e2e/.venv) clicked through, and single
// sign-out through it. Screenshots land in artifacts/.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import * as jose from 'jose';
import * as client from 'openid-client';

import { HERE, appServer, launchBrowser, screenshot, startEmulator } from './harness.mjs';
import { freePort, idpLogin, startOp } from './oidc-op.mjs';

const E2E = path.resolve(HERE, '..');
const PYTHON = path.join(E2E, '.venv', 'bin', 'python');

let emu;
let app;
let browser;
let op;
let ids;

before(async () => {
  emu = await startEmulator();
  app = await appServer();
  op = await startOp({
    redirectUris: [`${emu.url}/oauth2/idpresponse`],
    users: { carlos: { email: 'carlos@example.com', email_verified: true, given_name: 'Carlos' } },
  });
  ({ browser } = await launchBrowser());
  const { UserPool } = await emu.api('CreateUserPool', {
    PoolName: 'federated',
    Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
  });
  await emu.api('CreateIdentityProvider', {
    UserPoolId: UserPool.Id, ProviderName: 'Okta', ProviderType: 'OIDC',
    ProviderDetails: {
      client_id: op.clientId, client_secret: op.clientSecret, authorize_scopes: 'openid email profile',
      oidc_issuer: op.issuer, attributes_request_method: 'GET',
    },
    AttributeMapping: { email: 'email', email_verified: 'email_verified', given_name: 'given_name' },
  });
  const { UserPoolClient } = await emu.api('CreateUserPoolClient', {
    UserPoolId: UserPool.Id, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email', 'profile'], CallbackURLs: [`${app.origin}/cb`], LogoutURLs: [`${app.origin}/cb`],
    SupportedIdentityProviders: ['COGNITO', 'Okta'],
  });
  ids = { poolId: UserPool.Id, clientId: UserPoolClient.ClientId };
});

after(async () => {
  await browser?.close();
  await op?.close();
  await app?.close();
  emu?.stop();
});

async function discover() {
  return client.discovery(new URL(`${emu.url}/${ids.poolId}`), ids.clientId, undefined, client.None(), {
    execute: [client.allowInsecureRequests],
  });
}

test('hosted sign-in page → OIDC provider → back: openid-client redeems, jose verifies the pool tokens', async () => {
  const config = await discover();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const redirect_uri = `${app.origin}/cb`;
  const authUrl = client.buildAuthorizationUrl(config, {
    redirect_uri, scope: 'openid email profile', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(authUrl.href);
  await page.waitForSelector('#idp-Okta');
  await screenshot(page, 'federation-login-buttons');
  await page.click('#idp-Okta');
  await idpLogin(page, 'carlos', { screenshots: (name) => screenshot(page, name) });
  await page.waitForURL(`${redirect_uri}?**`);

  const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), {
    pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true,
  });
  const claims = tokens.claims();
  assert.equal(claims['cognito:username'], 'Okta_carlos');
  assert.equal(claims.email, 'carlos@example.com');
  assert.equal(claims.given_name, 'Carlos');
  assert.deepEqual(claims['cognito:groups'], [`${ids.poolId}_Okta`]);
  assert.equal(claims.identities.length, 1);
  assert.equal(claims.identities[0].userId, 'carlos');
  assert.equal(claims.identities[0].providerName, 'Okta');
  assert.equal(claims.identities[0].providerType, 'OIDC');
  assert.equal(claims.identities[0].primary, 'true');
  assert.equal(claims.identities[0].issuer, null);

  const jwks = jose.createRemoteJWKSet(new URL(`${emu.url}/${ids.poolId}/.well-known/jwks.json`));
  const { payload } = await jose.jwtVerify(tokens.id_token, jwks, { issuer: `${emu.url}/${ids.poolId}`, audience: ids.clientId });
  assert.equal(payload.token_use, 'id');
  const access = await jose.jwtVerify(tokens.access_token, jwks, { issuer: `${emu.url}/${ids.poolId}` });
  assert.equal(access.payload.username, 'Okta_carlos');

  const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  assert.equal(info.email, 'carlos@example.com');
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  assert.equal(refreshed.claims()['cognito:username'], 'Okta_carlos');
  const user = await emu.api('AdminGetUser', { UserPoolId: ids.poolId, Username: 'Okta_carlos' });
  assert.equal(user.UserStatus, 'EXTERNAL_PROVIDER');
  await screenshot(page, 'federation-back-at-the-app');
  await context.close();
});

test('spoiled upstream ID tokens reach the app as errors and sign nobody in', async () => {
  const config = await discover();
  const context = await browser.newContext();
  const page = await context.newPage();
  const cases = {
    tampered: 'Invalid id_token: bad signature',
    'other-key': 'Invalid id_token: bad signature',
    expired: 'Invalid id_token: expired',
    'wrong-aud': 'Invalid id_token: wrong audience',
    'wrong-iss': 'Bad id_token issuer http://127.0.0.1:1',
    'wrong-nonce': 'Invalid id_token: nonce does not match',
  };
  try {
    let first = true;
    for (const [mode, description] of Object.entries(cases)) {
      op.setMode(mode);
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: `${app.origin}/cb`, scope: 'openid email', state, nonce: client.randomNonce(), identity_provider: 'Okta',
      });
      await page.goto(url.href);
      if (first) {
        await idpLogin(page, 'mallory');
        first = false;
      }
      await page.waitForURL(`${app.origin}/cb?**`);
      const back = new URL(page.url());
      assert.equal(back.searchParams.get('error'), 'invalid_request', mode);
      assert.equal(back.searchParams.get('error_description'), description, mode);
      assert.equal(back.searchParams.get('state'), state);
    }
    await screenshot(page, 'federation-refused-token');
  } finally {
    op.setMode('none');
  }
  await assert.rejects(emu.api('AdminGetUser', { UserPoolId: ids.poolId, Username: 'Okta_mallory' }), /UserNotFoundException/);
  assert.ok(!(await context.cookies()).some((c) => c.name === 'cognito' && c.domain === '127.0.0.1'));
  await context.close();
});

test('SAML: pysaml2 IdP clicked through, then single sign-out through it', async (t) => {
  if (!existsSync(PYTHON) || !existsSync('/usr/bin/xmlsec1')) {
    t.skip('needs tests/e2e/.venv (tests/run makes it) and xmlsec1');
    return;
  }
  const { UserPool } = await emu.api('CreateUserPool', { PoolName: 'saml' });
  const poolId = UserPool.Id;
  const port = await freePort();
  const idp = spawn(PYTHON, [path.join(E2E, 'saml', 'idp.py'), 'serve', '--port', String(port),
    '--sp-metadata-url', `${emu.url}/${poolId}/saml2/metadata`, '--sp-entity', `urn:amazon:cognito:sp:${poolId}`,
    '--acs', `${emu.url}/saml2/idpresponse`, '--slo', `${emu.url}/saml2/logout`], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => idp.kill());
  await new Promise((resolve, reject) => {
    idp.stdout.on('data', (d) => { if (String(d).includes('IdP on')) resolve(); });
    idp.once('exit', (code) => reject(new Error(`idp.py exited (${code})`)));
  });
  await emu.api('CreateIdentityProvider', {
    UserPoolId: poolId, ProviderName: 'Corp', ProviderType: 'SAML',
    ProviderDetails: { MetadataURL: `http://127.0.0.1:${port}/metadata`, IDPSignout: 'true' },
    AttributeMapping: { email: 'email', given_name: 'given_name' },
  });
  const { UserPoolClient } = await emu.api('CreateUserPoolClient', {
    UserPoolId: poolId, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email'], CallbackURLs: [`${app.origin}/cb`], LogoutURLs: [`${app.origin}/bye`],
    SupportedIdentityProviders: ['Corp'],
  });
  const clientId = UserPoolClient.ClientId;
  const context = await browser.newContext();
  const page = await context.newPage();
  // A client with only SAML: the sign-in page offers the IdP alone.
  await page.goto(`${emu.url}/login?client_id=${clientId}&response_type=code&scope=openid+email&redirect_uri=${encodeURIComponent(`${app.origin}/cb`)}&state=s1`);
  await page.waitForSelector('#idp-Corp');
  assert.equal(await page.$('#signInFormUsername'), null);
  await page.click('#idp-Corp');
  await page.waitForSelector('#signin');
  await screenshot(page, 'federation-saml-idp');
  await page.click('#signin');
  await page.waitForURL(`${app.origin}/cb?**`);
  const back = new URL(page.url());
  assert.equal(back.searchParams.get('state'), 's1');
  const code = back.searchParams.get('code');
  assert.ok(code, page.url());
  const res = await fetch(`${emu.url}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, code, redirect_uri: `${app.origin}/cb` }),
  });
  const tokens = await res.json();
  const claims = jose.decodeJwt(tokens.id_token);
  assert.equal(claims['cognito:username'], 'Corp_carlos');
  assert.equal(claims.email, 'carlos@example.com');
  assert.equal(claims.identities[0].issuer, `http://127.0.0.1:${port}/metadata`);

  await page.goto(`${emu.url}/logout?client_id=${clientId}&logout_uri=${encodeURIComponent(`${app.origin}/bye`)}`);
  await page.waitForURL(`${app.origin}/bye`);
  assert.ok(!(await context.cookies()).some((c) => c.name === 'cognito' && c.value));
  await context.close();
});
