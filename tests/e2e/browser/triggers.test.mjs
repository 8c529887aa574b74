// Lambda triggers on the hosted pages, invoked on tests/e2e/lambda/host.mjs (a Lambda Invoke API host
// running Node handlers): PreSignUp_SignUp and PostConfirmation around /signup and /confirm,
// PreAuthentication / PostAuthentication around /login, PreTokenGeneration as TokenGeneration_HostedAuth
// (its claim in the tokens), its failure at the redirect URI, a PreAuthentication refusal on the page,
// and TokenGeneration_ClientCredentials for a V3_0 trigger.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startLambdaHost } from '../lambda/host.mjs';
import { appServer, launchBrowser, screenshot, signIn, startEmulator } from './harness.mjs';

let lambda;
let emu;
let app;
let browser;
let ids;
const events = [];

before(async () => {
  const record = (answer) => async (event) => {
    events.push({ source: event.triggerSource, user: event.userName });
    return answer(event);
  };
  lambda = await startLambdaHost({
    'pre-signup': record((e) => e),
    'post-confirmation': record((e) => e),
    'pre-auth': record((e) => {
      if (e.userName === 'blocked') throw new Error('Account <blocked> by policy');
      return e;
    }),
    'post-auth': record((e) => e),
    'pre-token': record((e) => {
      if (e.userName === 'tokenfail') throw new Error('no tokens today');
      e.response = { claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { tenant: 'acme' }, scopesToAdd: ['orders/read'] },
      } };
      return e;
    }),
  });
  emu = await startEmulator(['--lambda-endpoint', lambda.url]);
  app = await appServer();
  ({ browser } = await launchBrowser());
  const { UserPool } = await emu.api('CreateUserPool', {
    PoolName: 'triggers', AutoVerifiedAttributes: ['email'],
    Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
    LambdaConfig: {
      PreSignUp: lambda.arn('pre-signup'), PostConfirmation: lambda.arn('post-confirmation'),
      PreAuthentication: lambda.arn('pre-auth'), PostAuthentication: lambda.arn('post-auth'),
      PreTokenGenerationConfig: { LambdaArn: lambda.arn('pre-token'), LambdaVersion: 'V3_0' },
    },
  });
  await emu.api('CreateResourceServer', { UserPoolId: UserPool.Id, Identifier: 'orders', Name: 'Orders',
    Scopes: [{ ScopeName: 'read', ScopeDescription: 'Read' }] });
  const { UserPoolClient } = await emu.api('CreateUserPoolClient', {
    UserPoolId: UserPool.Id, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'],
    AllowedOAuthScopes: ['openid', 'email'], CallbackURLs: [`${app.origin}/cb`], SupportedIdentityProviders: ['COGNITO'],
  });
  const m2m = await emu.api('CreateUserPoolClient', {
    UserPoolId: UserPool.Id, ClientName: 'm2m', GenerateSecret: true, AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['orders/read'],
  });
  ids = { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, m2m: m2m.UserPoolClient };
});

after(async () => {
  await browser?.close();
  await app?.close();
  emu?.stop();
  await lambda?.close();
});

const authorize = (extra = '') => `${emu.url}/oauth2/authorize?response_type=code&client_id=${ids.clientId}&redirect_uri=${encodeURIComponent(`${app.origin}/cb`)}&scope=openid+email&state=t1${extra}`;

async function exchange(url) {
  const code = new URL(url).searchParams.get('code');
  const res = await fetch(`${emu.url}/oauth2/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: ids.clientId, code, redirect_uri: `${app.origin}/cb` }),
  });
  return res.json();
}

async function signUpAndConfirm(page, username) {
  await page.goto(authorize());
  await page.click('text=Sign up');
  await page.fill('#username', username);
  await page.fill('[name="requiredAttributes[email]"]', `${username}@example.com`);
  await page.fill('#password', 'Passw0rd!');
  await page.click('button[type=submit]');
  await page.waitForSelector('#code');
  await page.fill('#code', await emu.lastCode(`${username}@example.com`));
  await page.click('text=Confirm account');
  // The sign-up of this browser is signed in once confirmed: back at the client.
  await page.waitForURL(`${app.origin}/cb?**`);
}

test('sign-up, confirmation and sign-in fire the triggers AWS fires; PreTokenGeneration shapes the tokens', async () => {
  const page = await browser.newPage();
  events.length = 0;
  await signUpAndConfirm(page, 'grace');
  const first = await exchange(page.url());
  assert.equal(JSON.parse(Buffer.from(first.access_token.split('.')[1], 'base64url')).tenant, 'acme');
  // The confirmation signed the user in (no password step, so no PreAuthentication); a sign-in with the
  // password runs them all.
  await page.goto(authorize('&prompt=login'));
  await signIn(page, 'grace', 'Passw0rd!');
  await page.waitForURL(`${app.origin}/cb?**`);
  const tokens = await exchange(page.url());
  const access = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url'));
  assert.equal(access.tenant, 'acme');
  assert.equal(access.scope, 'openid email orders/read');
  assert.deepEqual(events.map((e) => e.source), [
    'PreSignUp_SignUp', 'PostConfirmation_ConfirmSignUp', 'TokenGeneration_HostedAuth',
    'PostAuthentication_Authentication', 'PreAuthentication_Authentication',
    'TokenGeneration_HostedAuth', 'PostAuthentication_Authentication',
  ]);
  await page.close();
});

test('a PreAuthentication refusal is shown on the page; a PreTokenGeneration failure goes to the client', async () => {
  let page = await browser.newPage();
  await signUpAndConfirm(page, 'blocked');
  await page.goto(authorize('&prompt=login'));
  await signIn(page, 'blocked', 'Passw0rd!');
  await page.waitForSelector('#errorMessage');
  assert.equal(await page.textContent('#errorMessage'), 'PreAuthentication failed with error Account <blocked> by policy.');
  await screenshot(page, 'trigger-refusal');

  // The sign-in that follows the confirmation already gets the PreTokenGeneration failure (a new
  // browser: this one has the hosted session of "blocked").
  await page.close();
  page = await browser.newPage();
  await signUpAndConfirm(page, 'tokenfail');
  const back = new URL(page.url()).searchParams;
  assert.equal(back.get('error'), 'access_denied');
  assert.equal(back.get('error_description'), 'PreTokenGeneration failed with error no tokens today.');
  assert.equal(back.get('state'), 't1');
  await page.close();
});

test('client_credentials runs a V3_0 PreTokenGeneration as TokenGeneration_ClientCredentials', async () => {
  events.length = 0;
  const res = await fetch(`${emu.url}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${ids.m2m.ClientId}:${ids.m2m.ClientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', aws_client_metadata: JSON.stringify({ job: 'nightly' }) }),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.deepEqual(events, [{ source: 'TokenGeneration_ClientCredentials', user: 'ClientCredentials' }]);
  const event = lambda.last('pre-token').event;
  assert.deepEqual(event.request.clientMetadata, { job: 'nightly' });
  assert.deepEqual(event.request.scopes, ['orders/read']);
  assert.equal(JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url')).tenant, 'acme');
});
