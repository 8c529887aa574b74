// client_credentials with resource-server scopes, the access token verified by aws-jwt-verify's
// CognitoJwtVerifier (tokenUse "access", clientId, scope) exactly as an API backend does it. The
// emulator runs with --issuer-url set to AWS's issuer form, so the verifier's own issuer check applies;
// the JWKS is the emulator's (cacheJwks: no request leaves the machine).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { CognitoJwtVerifier } from 'aws-jwt-verify';

import { startEmulator } from './harness.mjs';

let emu;
let ids;

before(async () => {
  emu = await startEmulator(['--issuer-url', 'https://cognito-idp.us-east-1.amazonaws.com']);
  const { UserPool } = await emu.api('CreateUserPool', { PoolName: 'm2m' });
  await emu.api('CreateResourceServer', {
    UserPoolId: UserPool.Id, Identifier: 'orders', Name: 'Orders',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read orders' }, { ScopeName: 'write', ScopeDescription: 'Write orders' }],
  });
  const { UserPoolClient } = await emu.api('CreateUserPoolClient', {
    UserPoolId: UserPool.Id, ClientName: 'backend', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['orders/read', 'orders/write'],
  });
  ids = { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, secret: UserPoolClient.ClientSecret };
});

after(() => emu?.stop());

async function token(scope, secret = ids.secret) {
  const body = new URLSearchParams({ grant_type: 'client_credentials' });
  if (scope) body.set('scope', scope);
  const res = await fetch(`${emu.url}/oauth2/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${ids.clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

async function verifier(scope) {
  const v = CognitoJwtVerifier.create({ userPoolId: ids.poolId, tokenUse: 'access', clientId: ids.clientId, scope });
  const jwks = await (await fetch(`${emu.url}/${ids.poolId}/.well-known/jwks.json`)).json();
  v.cacheJwks(jwks);
  return v;
}

test('a client_credentials token passes aws-jwt-verify with its scope, and only with it', async () => {
  const { status, body } = await token('orders/read');
  assert.equal(status, 200);
  assert.deepEqual(Object.keys(body).sort(), ['access_token', 'expires_in', 'token_type']);
  const payload = await (await verifier('orders/read')).verify(body.access_token);
  assert.equal(payload.sub, ids.clientId);
  assert.equal(payload.iss, `https://cognito-idp.us-east-1.amazonaws.com/${ids.poolId}`);
  await assert.rejects((await verifier('orders/write')).verify(body.access_token), /scope/i);
});

test('token endpoint refusals', async () => {
  assert.deepEqual(await token('orders/read', 'not-the-secret'), { status: 400, body: { error: 'invalid_client' } });
  assert.deepEqual(await token('orders/delete'), { status: 400, body: { error: 'invalid_scope' } });
  assert.deepEqual(await token('openid'), { status: 400, body: { error: 'invalid_scope' } });
});
