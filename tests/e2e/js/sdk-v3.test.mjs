// The AWS SDK for JavaScript v3 (@aws-sdk/client-cognito-identity-provider) end to end, unmodified except
// for `endpoint` and dummy credentials: an admin invites a user (AdminCreateUser), the user signs in with
// the temporary password from the invitation, answers NEW_PASSWORD_REQUIRED and gets tokens; the same
// through AdminInitiateAuth / AdminRespondToAuthChallenge with a confidential client and SECRET_HASH.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { fails, secretHash, startEmulator, uniqueEmail, uniqueUsername, verifyToken } from './emulator.mjs';

const NEW_PASSWORD = 'N3w-Battery-Staple!';

let emulator;
let sdk;
let poolId;
let publicClientId;
let adminClient; // { ClientId, ClientSecret }

before(async () => {
  emulator = await startEmulator();
  sdk = emulator.sdk();
  ({ UserPool: { Id: poolId } } = await sdk.send(new CreateUserPoolCommand({
    PoolName: 'sdk-v3',
    AutoVerifiedAttributes: ['email'],
  })));
  assert.match(poolId, /^us-east-1_[0-9A-Za-z]{9}$/);
  ({ UserPoolClient: { ClientId: publicClientId } } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'sdk-v3-public',
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  })));
  ({ UserPoolClient: adminClient } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: 'sdk-v3-backend',
    GenerateSecret: true,
    ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  })));
});

after(async () => {
  sdk?.destroy();
  await emulator?.stop();
});

async function assertTokens(result, clientId, username) {
  assert.equal(result.TokenType, 'Bearer');
  assert.equal(result.ExpiresIn, 3600);
  const id = await verifyToken(emulator, result.IdToken, { poolId, clientId, tokenUse: 'id' });
  assert.equal(id['cognito:username'], username);
  const access = await verifyToken(emulator, result.AccessToken, { poolId, clientId, tokenUse: 'access' });
  assert.equal(access.username, username);
  return { id, access };
}

describe('AWS SDK for JavaScript v3', () => {
  test('AdminCreateUser -> InitiateAuth USER_PASSWORD_AUTH -> NEW_PASSWORD_REQUIRED -> RespondToAuthChallenge -> tokens', async () => {
    const username = uniqueUsername('invited');
    const email = uniqueEmail('sdkv3');
    const created = await sdk.send(new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
      DesiredDeliveryMediums: ['EMAIL'],
    }));
    assert.equal(created.User.Username, username);
    assert.equal(created.User.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(created.User.Enabled, true);
    assert.ok(created.User.UserCreateDate instanceof Date);

    // The invitation carries the generated temporary password.
    const temporary = await emulator.latestCode(email, 'invitation');
    assert.ok(temporary.length >= 8);

    const started = await sdk.send(new InitiateAuthCommand({
      ClientId: publicClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: temporary },
    }));
    assert.equal(started.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal(started.AuthenticationResult, undefined);
    assert.ok(started.Session.length >= 20);
    const params = started.ChallengeParameters;
    assert.equal(params.USER_ID_FOR_SRP, username);
    assert.deepEqual(JSON.parse(params.requiredAttributes), []);
    const current = JSON.parse(params.userAttributes);
    assert.equal(current.email, email);
    assert.equal(current.email_verified, 'true');

    const answered = await sdk.send(new RespondToAuthChallengeCommand({
      ClientId: publicClientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: started.Session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD },
    }));
    assert.equal(answered.ChallengeName, undefined);
    const result = answered.AuthenticationResult;
    assert.ok(result.RefreshToken);
    const { id } = await assertTokens(result, publicClientId, username);
    assert.equal(id.email, email);

    // The session was used up.
    await assert.rejects(
      sdk.send(new RespondToAuthChallengeCommand({
        ClientId: publicClientId,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: started.Session,
        ChallengeResponses: { USERNAME: username, NEW_PASSWORD },
      })),
      fails(NotAuthorizedException, 'Invalid session for the user, session can only be used once.'),
    );

    const user = await sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(user.UserStatus, 'CONFIRMED');

    // The new password signs in directly; the temporary one is gone.
    const direct = await sdk.send(new InitiateAuthCommand({
      ClientId: publicClientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: NEW_PASSWORD },
    }));
    await assertTokens(direct.AuthenticationResult, publicClientId, username);
    await assert.rejects(
      sdk.send(new InitiateAuthCommand({
        ClientId: publicClientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: temporary },
      })),
      fails(NotAuthorizedException, 'Incorrect username or password.'),
    );

    // Refresh and GetUser.
    const refreshed = await sdk.send(new InitiateAuthCommand({
      ClientId: publicClientId,
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      AuthParameters: { REFRESH_TOKEN: result.RefreshToken },
    }));
    assert.equal(refreshed.AuthenticationResult.RefreshToken, undefined);
    await assertTokens(refreshed.AuthenticationResult, publicClientId, username);
    const me = await sdk.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult.AccessToken }));
    assert.equal(me.Username, username);
    assert.equal(Object.fromEntries(me.UserAttributes.map((a) => [a.Name, a.Value])).email, email);
  });

  test('AdminCreateUser (TemporaryPassword, SUPPRESS) -> AdminInitiateAuth -> AdminRespondToAuthChallenge with SECRET_HASH', async () => {
    const username = uniqueUsername('backend');
    const temporary = 'Temp-Passw0rd!';
    await sdk.send(new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      TemporaryPassword: temporary,
      MessageAction: 'SUPPRESS',
    }));
    const hash = secretHash(username, adminClient.ClientId, adminClient.ClientSecret);

    await assert.rejects(
      sdk.send(new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: adminClient.ClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: 'Wr0ng-Password!', SECRET_HASH: hash },
      })),
      fails(NotAuthorizedException, 'Incorrect username or password.'),
    );
    await assert.rejects(
      sdk.send(new AdminInitiateAuthCommand({
        UserPoolId: poolId,
        ClientId: adminClient.ClientId,
        AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: temporary },
      })),
      fails(NotAuthorizedException, `Client ${adminClient.ClientId} is configured with secret but SECRET_HASH was not received`),
    );

    const started = await sdk.send(new AdminInitiateAuthCommand({
      UserPoolId: poolId,
      ClientId: adminClient.ClientId,
      AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: temporary, SECRET_HASH: hash },
    }));
    assert.equal(started.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    assert.equal(started.ChallengeParameters.USER_ID_FOR_SRP, username);

    const answered = await sdk.send(new AdminRespondToAuthChallengeCommand({
      UserPoolId: poolId,
      ClientId: adminClient.ClientId,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: started.Session,
      ChallengeResponses: { USERNAME: username, NEW_PASSWORD, SECRET_HASH: hash },
    }));
    const result = answered.AuthenticationResult;
    await assertTokens(result, adminClient.ClientId, username);
    assert.equal(result.NewDeviceMetadata, undefined);

    const user = await sdk.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    assert.equal(user.UserStatus, 'CONFIRMED');
  });
});
