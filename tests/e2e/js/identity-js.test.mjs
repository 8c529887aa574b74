// amazon-cognito-identity-js end to end, unmodified except for `endpoint` on CognitoUserPool:
// signUp, confirmRegistration with the code the pool sent, authenticateUser (SRP, the library's default),
// wrong password, refreshSession, NEW_PASSWORD_REQUIRED for an admin-created user, and remembered devices
// (the library confirms the device itself, setDeviceStatusRemembered, then DEVICE_SRP_AUTH on the next
// sign-in). Pools and clients are created with the AWS SDK v3, as an app's infrastructure would.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AdminCreateUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import cognitoIdentity from 'amazon-cognito-identity-js';

import { decodeJwt, recordCognitoCalls, startEmulator, uniqueEmail, verifyToken } from './emulator.mjs';

const { AuthenticationDetails, CognitoUser, CognitoUserAttribute, CognitoUserPool } = cognitoIdentity;

const PASSWORD = 'Corr3ct-Horse!';
const NEW_PASSWORD = 'N3w-Battery-Staple!';

// --- promise wrappers around the library's callback API (its own calls, nothing else) -----------------

function signUp(pool, email, password) {
  const attrs = [new CognitoUserAttribute({ Name: 'email', Value: email })];
  return new Promise((resolve, reject) =>
    pool.signUp(email, password, attrs, null, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

function confirmRegistration(user, code) {
  return new Promise((resolve, reject) =>
    user.confirmRegistration(code, true, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

/** authenticateUser; resolves with what the library reported, rejects on onFailure. */
function authenticate(user, password) {
  const details = new AuthenticationDetails({ Username: user.getUsername(), Password: password });
  return new Promise((resolve, reject) =>
    user.authenticateUser(details, {
      onSuccess: (session, userConfirmationNecessary) => resolve({ session, userConfirmationNecessary }),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ newPasswordRequired: true, userAttributes, requiredAttributes }),
      mfaRequired: (name) => reject(new Error(`unexpected mfaRequired ${name}`)),
      totpRequired: (name) => reject(new Error(`unexpected totpRequired ${name}`)),
      mfaSetup: (name) => reject(new Error(`unexpected mfaSetup ${name}`)),
      selectMFAType: (name) => reject(new Error(`unexpected selectMFAType ${name}`)),
      customChallenge: () => reject(new Error('unexpected customChallenge')),
    }),
  );
}

function completeNewPassword(user, newPassword) {
  return new Promise((resolve, reject) =>
    user.completeNewPasswordChallenge(newPassword, {}, {
      onSuccess: (session) => resolve(session),
      onFailure: reject,
    }),
  );
}

function refreshSession(user, refreshToken) {
  return new Promise((resolve, reject) =>
    user.refreshSession(refreshToken, (err, session) => (err ? reject(err) : resolve(session))),
  );
}

function call(user, method, ...args) {
  return new Promise((resolve, reject) =>
    user[method](...args, { onSuccess: resolve, onFailure: reject }),
  );
}

function getUserAttributes(user) {
  return new Promise((resolve, reject) =>
    user.getUserAttributes((err, attrs) => (err ? reject(err) : resolve(Object.fromEntries(attrs.map((a) => [a.getName(), a.getValue()]))))),
  );
}

// --- suite -------------------------------------------------------------------------------------------

let emulator;
let sdk;

before(async () => {
  emulator = await startEmulator();
  sdk = emulator.sdk();
});

after(async () => {
  sdk?.destroy();
  await emulator?.stop();
});

async function createPool(name, extra = {}) {
  const { UserPool } = await sdk.send(new CreateUserPoolCommand({
    PoolName: name,
    UsernameAttributes: ['email'],
    AutoVerifiedAttributes: ['email'],
    ...extra,
  }));
  assert.match(UserPool.Id, /^us-east-1_[0-9A-Za-z]{9}$/);
  const { UserPoolClient } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: UserPool.Id,
    ClientName: `${name}-web`,
    // A browser app's client: no secret (amazon-cognito-identity-js cannot send SECRET_HASH).
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  const userPool = new CognitoUserPool({ UserPoolId: UserPool.Id, ClientId: UserPoolClient.ClientId, endpoint: emulator.url });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, userPool };
}

async function signedUpUser(app, tag) {
  const email = uniqueEmail(tag);
  const result = await signUp(app.userPool, email, PASSWORD);
  const code = await emulator.latestCode(email, 'sign_up');
  await confirmRegistration(new CognitoUser({ Username: email, Pool: app.userPool }), code);
  return { email, sub: result.userSub };
}

describe('amazon-cognito-identity-js', () => {
  let app;
  before(async () => {
    app = await createPool('identity-js');
  });

  test('signUp, confirmRegistration with the mailed code, SRP authenticateUser, refreshSession', async () => {
    const email = uniqueEmail('idjs');
    const result = await signUp(app.userPool, email, PASSWORD);
    assert.equal(result.userConfirmed, false);
    assert.match(result.userSub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(result.codeDeliveryDetails.DeliveryMedium, 'EMAIL');
    assert.equal(result.codeDeliveryDetails.AttributeName, 'email');
    assert.notEqual(result.codeDeliveryDetails.Destination, email); // masked

    const user = new CognitoUser({ Username: email, Pool: app.userPool });
    // Before confirmation the sign-in is refused.
    await assert.rejects(authenticate(user, PASSWORD), { code: 'UserNotConfirmedException', message: 'User is not confirmed.' });

    const code = await emulator.latestCode(email, 'sign_up');
    assert.match(code, /^\d{6}$/);
    assert.equal(await confirmRegistration(new CognitoUser({ Username: email, Pool: app.userPool }), code), 'SUCCESS');

    const recorder = recordCognitoCalls();
    let signedIn;
    try {
      signedIn = await authenticate(user, PASSWORD);
    } finally {
      recorder.restore();
    }
    assert.deepEqual(recorder.calls, ['InitiateAuth', 'RespondToAuthChallenge:PASSWORD_VERIFIER']); // SRP
    const { session } = signedIn;
    assert.equal(session.isValid(), true);
    // The library switched to USER_ID_FOR_SRP: the internal username (the sub in an email pool).
    assert.equal(user.getUsername(), result.userSub);

    const idClaims = await verifyToken(emulator, session.getIdToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    assert.equal(idClaims.sub, result.userSub);
    assert.equal(idClaims['cognito:username'], result.userSub);
    assert.equal(idClaims.email, email);
    assert.equal(idClaims.email_verified, true);
    const accessClaims = await verifyToken(emulator, session.getAccessToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'access' });
    assert.equal(accessClaims.username, result.userSub);
    assert.equal(session.getIdToken().payload.email, email); // the library's own decoding agrees

    assert.deepEqual(await getUserAttributes(user), { sub: result.userSub, email, email_verified: 'true' });

    const refreshed = await refreshSession(user, session.getRefreshToken());
    assert.equal(refreshed.isValid(), true);
    assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
    assert.notEqual(refreshed.getIdToken().getJwtToken(), session.getIdToken().getJwtToken());
    // No rotation: the library keeps the refresh token it had.
    assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken());
    const refreshedId = await verifyToken(emulator, refreshed.getIdToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    assert.equal(refreshedId.sub, result.userSub);
    assert.equal(refreshedId.auth_time, idClaims.auth_time);
  });

  test('wrong password fails with NotAuthorizedException "Incorrect username or password."', async () => {
    const { email } = await signedUpUser(app, 'wrongpw');
    const user = new CognitoUser({ Username: email, Pool: app.userPool });
    await assert.rejects(authenticate(user, 'Wr0ng-Password!'), {
      code: 'NotAuthorizedException',
      name: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
    // And the right one still works.
    const { session } = await authenticate(new CognitoUser({ Username: email, Pool: app.userPool }), PASSWORD);
    assert.equal(session.isValid(), true);
  });

  test('an unknown user is UserNotFoundException "User does not exist." (client without PreventUserExistenceErrors)', async () => {
    const user = new CognitoUser({ Username: uniqueEmail('nobody'), Pool: app.userPool });
    await assert.rejects(authenticate(user, PASSWORD), { code: 'UserNotFoundException', message: 'User does not exist.' });
  });

  test('admin-created user: newPasswordRequired, completeNewPasswordChallenge', async () => {
    const email = uniqueEmail('invited');
    await sdk.send(new AdminCreateUserCommand({
      UserPoolId: app.poolId,
      Username: email,
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
      DesiredDeliveryMediums: ['EMAIL'], // AWS's default is SMS
    }));
    const temporary = await emulator.latestCode(email, 'invitation');
    const user = new CognitoUser({ Username: email, Pool: app.userPool });
    const challenge = await authenticate(user, temporary);
    assert.equal(challenge.newPasswordRequired, true);
    assert.deepEqual(challenge.requiredAttributes, []);
    assert.equal(challenge.userAttributes.email, email);
    const session = await completeNewPassword(user, NEW_PASSWORD);
    assert.equal(session.isValid(), true);
    await verifyToken(emulator, session.getIdToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    // The new password signs in; the temporary one no longer does.
    const again = await authenticate(new CognitoUser({ Username: email, Pool: app.userPool }), NEW_PASSWORD);
    assert.equal(again.session.isValid(), true);
    await assert.rejects(authenticate(new CognitoUser({ Username: email, Pool: app.userPool }), temporary), {
      code: 'NotAuthorizedException',
      message: 'Incorrect username or password.',
    });
  });
});

describe('amazon-cognito-identity-js remembered devices', () => {
  let app;
  before(async () => {
    app = await createPool('identity-js-devices', {
      DeviceConfiguration: { ChallengeRequiredOnNewDevice: true, DeviceOnlyRememberedOnUserPrompt: true },
    });
  });

  /** First sign-in on a new device: the library confirms it, the app remembers it. */
  async function rememberThisDevice(recorder, email) {
    const user = new CognitoUser({ Username: email, Pool: app.userPool });
    const first = await authenticate(user, PASSWORD);
    // The library saw NewDeviceMetadata, computed a verifier and called ConfirmDevice itself.
    assert.deepEqual(recorder.take(), ['InitiateAuth', 'RespondToAuthChallenge:PASSWORD_VERIFIER', 'ConfirmDevice']);
    assert.equal(first.userConfirmationNecessary, true); // DeviceOnlyRememberedOnUserPrompt
    const deviceKey = decodeJwt(first.session.getAccessToken().getJwtToken()).device_key;
    assert.match(deviceKey, /^us-east-1_[0-9a-f-]+$/);

    assert.equal(await call(user, 'setDeviceStatusRemembered'), 'SUCCESS');
    const device = await call(user, 'getDevice');
    const attrs = Object.fromEntries(device.Device.DeviceAttributes.map((a) => [a.Name, a.Value]));
    assert.equal(device.Device.DeviceKey, deviceKey);
    assert.equal(attrs['dev:device_remembered_status'], 'remembered');
    recorder.take();
    return { user, deviceKey };
  }

  /** A sign-in that must have gone through the device challenges, then a device-bound refresh. */
  async function assertDeviceSignIn(recorder, user, { sub, deviceKey, keyAtInitiate }) {
    const { session, userConfirmationNecessary } = await authenticate(user, PASSWORD);
    const [initiate, verifier] = recorder.bodies;
    // Where the library put the remembered DEVICE_KEY: a CognitoUser that already holds it sends it
    // from InitiateAuth on; a new one finds it in storage (keyed by USER_ID_FOR_SRP) only after the
    // InitiateAuth answer, so its first DEVICE_KEY is in the PASSWORD_VERIFIER answer.
    assert.equal(initiate.AuthParameters.DEVICE_KEY, keyAtInitiate ? deviceKey : undefined);
    assert.equal(verifier.ChallengeResponses.DEVICE_KEY, deviceKey);
    assert.deepEqual(recorder.take(), [
      'InitiateAuth',
      'RespondToAuthChallenge:PASSWORD_VERIFIER',
      'RespondToAuthChallenge:DEVICE_SRP_AUTH',
      'RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
    ]);
    assert.equal(userConfirmationNecessary, undefined); // no new device
    const access = await verifyToken(emulator, session.getAccessToken().getJwtToken(), { poolId: app.poolId, clientId: app.clientId, tokenUse: 'access' });
    assert.equal(access.sub, sub);
    assert.equal(access.device_key, deviceKey);

    // refreshSession sends the cached DEVICE_KEY with the device-bound refresh token.
    const refreshed = await refreshSession(user, session.getRefreshToken());
    assert.equal(decodeJwt(refreshed.getAccessToken().getJwtToken()).device_key, deviceKey);
    assert.deepEqual(recorder.take(), ['InitiateAuth']);

    const listed = await new Promise((resolve, reject) => user.listDevices(10, null, { onSuccess: resolve, onFailure: reject }));
    assert.deepEqual(listed.Devices.map((d) => d.DeviceKey), [deviceKey]);
  }

  test('same CognitoUser signs in again: DEVICE_KEY in InitiateAuth, DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER', async () => {
    const { email, sub } = await signedUpUser(app, 'device-same');
    const recorder = recordCognitoCalls();
    try {
      const { user, deviceKey } = await rememberThisDevice(recorder, email);
      // The object still holds the device key, so the library sends it from the first request on.
      await assertDeviceSignIn(recorder, user, { sub, deviceKey, keyAtInitiate: true });
    } finally {
      recorder.restore();
    }
  });

  test('a new CognitoUser for the same email (next page load): DEVICE_KEY found in storage after USER_ID_FOR_SRP', async () => {
    const { email, sub } = await signedUpUser(app, 'device-new');
    const recorder = recordCognitoCalls();
    try {
      const { deviceKey } = await rememberThisDevice(recorder, email);
      const user = new CognitoUser({ Username: email, Pool: app.userPool });
      await assertDeviceSignIn(recorder, user, { sub, deviceKey, keyAtInitiate: false });
    } finally {
      recorder.restore();
    }
  });
});
