// Lambda triggers with Node handlers (tests/e2e/lambda/handlers/node, AWS's documentation examples run by
// a Lambda-compatible host that checks SigV4): amazon-cognito-identity-js doing CUSTOM_AUTH started with
// SRP (its `authenticateUser` with the CUSTOM_AUTH flow type, then `sendCustomChallengeAnswer`), and the
// AWS SDK for JavaScript v3 with a Node PreSignUp and PreTokenGeneration.

import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  SignUpCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import cognitoIdentity from 'amazon-cognito-identity-js';

import { startLambdaHost } from '../lambda/host.mjs';
import { decodeJwt, fails, startEmulator, uniqueEmail, verifyToken } from './emulator.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognitoIdentity;
const HANDLERS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'lambda', 'handlers', 'node');
const PASSWORD = 'Corr3ct-Horse!';

let host;
let emulator;
let sdk;

before(async () => {
  const fn = (name) => path.join(HANDLERS, name);
  host = await startLambdaHost(
    {
      define: fn('define_auth_challenge.cjs'),
      create: fn('create_auth_challenge.cjs'),
      verify: fn('verify_auth_challenge.cjs'),
      preSignUp: fn('pre_signup_domain_policy.mjs'),
      preToken: fn('pre_token_generation_v1.cjs'),
    },
    { checkSigV4: true, credentials: { test: 'test' } },
  );
  emulator = await startEmulator(['--lambda-endpoint', host.url, '--lambda-access-key', 'test', '--lambda-secret-key', 'test']);
  sdk = emulator.sdk();
});

after(async () => {
  sdk?.destroy();
  await emulator?.stop();
  await host?.close();
});

async function pool(name, lambdaConfig, flows) {
  const { UserPool } = await sdk.send(new CreateUserPoolCommand({
    PoolName: name, UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'], LambdaConfig: lambdaConfig,
  }));
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: UserPool.Id, ClientName: `${name}-web`, ExplicitAuthFlows: flows,
  }));
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId };
}

/** A CONFIRMED user with PASSWORD (created by an administrator, as a back office would). */
async function confirmedUser(poolId, email) {
  await sdk.send(new AdminCreateUserCommand({
    UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
  }));
  await sdk.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: PASSWORD, Permanent: true }));
}

describe('triggers with Node handlers', () => {
  test('amazon-cognito-identity-js: CUSTOM_AUTH with the SRP start, then the captcha', async () => {
    const app = await pool(
      'custom-srp',
      { DefineAuthChallenge: host.arn('define'), CreateAuthChallenge: host.arn('create'), VerifyAuthChallengeResponse: host.arn('verify') },
      ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    );
    const email = uniqueEmail('captcha');
    await confirmedUser(app.poolId, email);
    const userPool = new CognitoUserPool({ UserPoolId: app.poolId, ClientId: app.clientId, endpoint: emulator.url });
    const user = new CognitoUser({ Username: email, Pool: userPool });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    const details = new AuthenticationDetails({ Username: email, Password: PASSWORD });
    // authenticateUser with CUSTOM_AUTH sends SRP_A and CHALLENGE_NAME=SRP_A, answers PASSWORD_VERIFIER
    // itself, and hands the custom challenge to customChallenge.
    const params = await new Promise((resolve, reject) => user.authenticateUser(details, {
      onSuccess: () => reject(new Error('signed in without the captcha')),
      onFailure: reject,
      customChallenge: resolve,
    }));
    assert.equal(params.captchaUrl, 'url/123.jpg');
    assert.deepEqual(host.last('define').event.request.session.map((s) => s.challengeName), ['SRP_A', 'PASSWORD_VERIFIER']);
    assert.equal(host.last('define').signature, 'ok');
    const session = await new Promise((resolve, reject) => user.sendCustomChallengeAnswer('5', {
      onSuccess: resolve,
      onFailure: reject,
      customChallenge: () => reject(new Error('a second challenge')),
    }));
    const claims = await verifyToken(emulator, session.getIdToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    assert.equal(claims.email, email);
    assert.equal(host.last('verify').event.request.challengeAnswer, '5');
  });

  test('amazon-cognito-identity-js: a wrong captcha fails the sign-in', async () => {
    const app = await pool(
      'custom-wrong',
      { DefineAuthChallenge: host.arn('define'), CreateAuthChallenge: host.arn('create'), VerifyAuthChallengeResponse: host.arn('verify') },
      ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH'],
    );
    const email = uniqueEmail('wrong');
    await confirmedUser(app.poolId, email);
    const userPool = new CognitoUserPool({ UserPoolId: app.poolId, ClientId: app.clientId, endpoint: emulator.url });
    const user = new CognitoUser({ Username: email, Pool: userPool });
    user.setAuthenticationFlowType('CUSTOM_AUTH');
    await new Promise((resolve, reject) => user.authenticateUser(
      new AuthenticationDetails({ Username: email, Password: PASSWORD }),
      { onSuccess: () => reject(new Error('no captcha')), onFailure: reject, customChallenge: resolve },
    ));
    await assert.rejects(
      new Promise((resolve, reject) => user.sendCustomChallengeAnswer('4', { onSuccess: resolve, onFailure: reject, customChallenge: resolve })),
      { code: 'NotAuthorizedException', message: 'Incorrect username or password.' },
    );
  });

  test('SDK v3: a Node PreSignUp refuses a domain, a Node PreTokenGeneration adds claims', async () => {
    const app = await pool('node-handlers', { PreSignUp: host.arn('preSignUp'), PreTokenGeneration: host.arn('preToken') }, ['ALLOW_USER_PASSWORD_AUTH']);
    await assert.rejects(
      sdk.send(new SignUpCommand({ ClientId: app.clientId, Username: 'x@blocked.example', Password: PASSWORD })),
      fails(UserLambdaValidationException, 'PreSignUp failed with error Sign-ups from blocked.example are not allowed.'),
    );
    // example.com is the handler's trusted domain: auto-confirmed and verified.
    const email = uniqueEmail('node');
    const out = await sdk.send(new SignUpCommand({
      ClientId: app.clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: email }],
    }));
    assert.equal(out.UserConfirmed, true);
    const auth = await sdk.send(new InitiateAuthCommand({
      ClientId: app.clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD },
    }));
    const id = decodeJwt(auth.AuthenticationResult.IdToken);
    assert.equal(id.attribute_key, 'attribute_value');
    assert.equal(id.email, undefined);
    assert.deepEqual(id['cognito:groups'], ['group-A', 'group-B', 'group-C']);
  });
});
