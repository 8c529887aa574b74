// Account lifecycle and administration through the AWS SDK for JavaScript v3, unmodified except for
// `endpoint` and dummy credentials: forgot password with the mailed code, an attribute change and its
// verification, GlobalSignOut then a refused GetUser, RevokeToken then a refused refresh, disable and
// enable, ListUsers with filters and pagination over several pages (the SDK's own paginator), group
// claims in verified tokens, and sign-in by a verified email alias. The boto3 suite
// (tests/e2e/python/test_accounts.py) covers the same ground with the codes read from a real SMTP
// server, and the error paths in more detail.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  AdminSetUserPasswordCommand,
  AliasExistsException,
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ExpiredCodeException,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  ListUsersCommand,
  NotAuthorizedException,
  RevokeTokenCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  paginateListUsers,
} from '@aws-sdk/client-cognito-identity-provider';

import { fails, otherCode, startEmulator, uniqueEmail, uniqueUsername, verifyToken } from './emulator.mjs';

const PASSWORD = 'Corr3ct-Horse!';
const NEW_PASSWORD = 'N3w-Battery-Staple!';
const INCORRECT = 'Incorrect username or password.';
const WRONG_CODE = 'Invalid verification code provided, please try again.';
const USED_CODE = 'Invalid code provided, please request a code again.';
const ACCESS_REVOKED = 'Access Token has been revoked';
const REFRESH_REVOKED = 'Refresh Token has been revoked';

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

/** A pool and a public client allowing password and refresh sign-in. */
async function makeApp(name, poolArgs = {}) {
  const { UserPool: { Id: poolId } } = await sdk.send(new CreateUserPoolCommand({ PoolName: name, ...poolArgs }));
  const { UserPoolClient: { ClientId: clientId } } = await sdk.send(new CreateUserPoolClientCommand({
    UserPoolId: poolId,
    ClientName: `${name}-app`,
    ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  }));
  const app = {
    poolId,
    clientId,
    async signIn(username, password = PASSWORD) {
      const res = await sdk.send(new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: username, PASSWORD: password },
      }));
      assert.ok(res.AuthenticationResult, `expected tokens, got challenge ${res.ChallengeName}`);
      return res.AuthenticationResult;
    },
    async refresh(refreshToken) {
      const res = await sdk.send(new InitiateAuthCommand({
        ClientId: clientId,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: refreshToken },
      }));
      return res.AuthenticationResult;
    },
    /** A CONFIRMED user with a permanent password; no invitation is sent. */
    async makeUser(username, email, { verified = true } = {}) {
      const attrs = email
        ? [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: String(verified) }]
        : [];
      await sdk.send(new AdminCreateUserCommand({
        UserPoolId: poolId, Username: username, UserAttributes: attrs, MessageAction: 'SUPPRESS',
      }));
      await sdk.send(new AdminSetUserPasswordCommand({
        UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true,
      }));
      return username;
    },
    async attributes(accessToken) {
      const { UserAttributes } = await sdk.send(new GetUserCommand({ AccessToken: accessToken }));
      return Object.fromEntries(UserAttributes.map((a) => [a.Name, a.Value]));
    },
  };
  return app;
}

describe('AWS SDK for JavaScript v3: account lifecycle', () => {
  let app;
  before(async () => {
    app = await makeApp('sdk-v3-accounts', { AutoVerifiedAttributes: ['email'] });
  });

  test('ForgotPassword -> mailed code -> ConfirmForgotPassword; the old password stops working', async () => {
    const email = uniqueEmail('forgot');
    const user = await app.makeUser(uniqueUsername('forgot'), email);
    const sent = await sdk.send(new ForgotPasswordCommand({ ClientId: app.clientId, Username: user }));
    assert.equal(sent.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
    assert.equal(sent.CodeDeliveryDetails.AttributeName, 'email');
    assert.match(sent.CodeDeliveryDetails.Destination, /^f\*\*\*@e\*\*\*$/);
    const code = await emulator.latestCode(email, 'forgot_password');

    await assert.rejects(
      sdk.send(new ConfirmForgotPasswordCommand({
        ClientId: app.clientId, Username: user, ConfirmationCode: otherCode(code), Password: NEW_PASSWORD,
      })),
      fails(CodeMismatchException, WRONG_CODE),
    );
    await sdk.send(new ConfirmForgotPasswordCommand({
      ClientId: app.clientId, Username: user, ConfirmationCode: code, Password: NEW_PASSWORD,
    }));
    await assert.rejects(app.signIn(user, PASSWORD), fails(NotAuthorizedException, INCORRECT));
    const tokens = await app.signIn(user, NEW_PASSWORD);
    assert.equal((await sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken }))).Username, user);
    // The code worked once.
    await assert.rejects(
      sdk.send(new ConfirmForgotPasswordCommand({
        ClientId: app.clientId, Username: user, ConfirmationCode: code, Password: PASSWORD,
      })),
      fails(ExpiredCodeException, USED_CODE),
    );
  });

  test('UpdateUserAttributes email -> unverified, code to the new address -> VerifyUserAttribute', async () => {
    const [oldEmail, newEmail] = [uniqueEmail('old'), uniqueEmail('new')];
    const user = await app.makeUser(uniqueUsername('mover'), oldEmail);
    const tokens = await app.signIn(user);
    const res = await sdk.send(new UpdateUserAttributesCommand({
      AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: newEmail }],
    }));
    assert.deepEqual(
      res.CodeDeliveryDetailsList.map((d) => [d.AttributeName, d.DeliveryMedium]),
      [['email', 'EMAIL']],
    );
    let attrs = await app.attributes(tokens.AccessToken);
    assert.equal(attrs.email, newEmail);
    assert.equal(attrs.email_verified, 'false');
    assert.deepEqual(await emulator.messages(oldEmail), []);

    const code = await emulator.latestCode(newEmail, 'verify_attribute');
    await assert.rejects(
      sdk.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email', Code: otherCode(code) })),
      fails(CodeMismatchException, WRONG_CODE),
    );
    await sdk.send(new VerifyUserAttributeCommand({ AccessToken: tokens.AccessToken, AttributeName: 'email', Code: code }));
    attrs = await app.attributes(tokens.AccessToken);
    assert.equal(attrs.email_verified, 'true');

    // Tokens minted from now on carry the new, verified address.
    const refreshed = await app.refresh(tokens.RefreshToken);
    const claims = await verifyToken(emulator, refreshed.IdToken, { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    assert.equal(claims.email, newEmail);
    assert.equal(claims.email_verified, true);
  });

  test('GlobalSignOut: GetUser and refresh are refused, a new sign-in works', async () => {
    const user = await app.makeUser(uniqueUsername('signout'), uniqueEmail('signout'));
    const [one, two] = [await app.signIn(user), await app.signIn(user)];
    await sdk.send(new GlobalSignOutCommand({ AccessToken: one.AccessToken }));
    for (const tokens of [one, two]) {
      await assert.rejects(
        sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
        fails(NotAuthorizedException, ACCESS_REVOKED),
      );
      await assert.rejects(app.refresh(tokens.RefreshToken), fails(NotAuthorizedException, REFRESH_REVOKED));
    }
    const three = await app.signIn(user);
    assert.equal((await sdk.send(new GetUserCommand({ AccessToken: three.AccessToken }))).Username, user);
  });

  test('RevokeToken: that refresh token and its access tokens are refused, another sign-in is not', async () => {
    const user = await app.makeUser(uniqueUsername('revoke'), uniqueEmail('revoke'));
    const [one, two] = [await app.signIn(user), await app.signIn(user)];
    await sdk.send(new RevokeTokenCommand({ ClientId: app.clientId, Token: one.RefreshToken }));
    await assert.rejects(app.refresh(one.RefreshToken), fails(NotAuthorizedException, REFRESH_REVOKED));
    await assert.rejects(
      sdk.send(new GetUserCommand({ AccessToken: one.AccessToken })),
      fails(NotAuthorizedException, ACCESS_REVOKED),
    );
    const again = await app.refresh(two.RefreshToken);
    assert.equal((await sdk.send(new GetUserCommand({ AccessToken: again.AccessToken }))).Username, user);
  });

  test('AdminDisableUser: sign-in, refresh and GetUser refused ("User is disabled."); AdminEnableUser restores', async () => {
    const user = await app.makeUser(uniqueUsername('disabled'), uniqueEmail('disabled'));
    const tokens = await app.signIn(user);
    await sdk.send(new AdminDisableUserCommand({ UserPoolId: app.poolId, Username: user }));
    assert.equal((await sdk.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: user }))).Enabled, false);
    await assert.rejects(app.signIn(user), fails(NotAuthorizedException, 'User is disabled.'));
    await assert.rejects(app.refresh(tokens.RefreshToken), fails(NotAuthorizedException));
    await assert.rejects(sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })), fails(NotAuthorizedException));

    await sdk.send(new AdminEnableUserCommand({ UserPoolId: app.poolId, Username: user }));
    assert.equal((await sdk.send(new AdminGetUserCommand({ UserPoolId: app.poolId, Username: user }))).Enabled, true);
    const fresh = await app.signIn(user);
    assert.equal((await sdk.send(new GetUserCommand({ AccessToken: fresh.AccessToken }))).Username, user);
  });
});

describe('AWS SDK for JavaScript v3: ListUsers, groups, aliases', () => {
  test('ListUsers with = and ^= filters, paginated by the SDK paginator over several pages', async () => {
    const app = await makeApp('sdk-v3-directory');
    const prefix = uniqueUsername('dir');
    const names = [];
    for (let i = 0; i < 7; i++) {
      names.push(await app.makeUser(`${prefix}-a${i}`, `${prefix}-a${i}@example.com`));
    }
    await app.makeUser(`${prefix}-b0`, `${prefix}-b0@example.com`);

    const pages = [];
    for await (const page of paginateListUsers(
      { client: sdk, pageSize: 3 },
      { UserPoolId: app.poolId, Filter: `username ^= "${prefix}-a"` },
    )) {
      pages.push(page.Users.map((u) => u.Username));
    }
    assert.deepEqual(pages.map((p) => p.length), [3, 3, 1]);
    assert.deepEqual(pages.flat().sort(), [...names].sort());

    const byEmail = [];
    for await (const page of paginateListUsers(
      { client: sdk, pageSize: 60 },
      { UserPoolId: app.poolId, Filter: `email = "${prefix}-b0@example.com"`, AttributesToGet: ['email'] },
    )) {
      byEmail.push(...page.Users);
    }
    assert.equal(byEmail.length, 1);
    assert.equal(byEmail[0].Username, `${prefix}-b0`);
    assert.deepEqual(byEmail[0].Attributes, [{ Name: 'email', Value: `${prefix}-b0@example.com` }]);

    await assert.rejects(
      sdk.send(new ListUsersCommand({
        UserPoolId: app.poolId, Filter: 'nickname = "x"',
      })),
      fails(InvalidParameterException),
    );
  });

  test('groups: cognito:groups in both tokens, cognito:roles and cognito:preferred_role by precedence', async () => {
    const app = await makeApp('sdk-v3-groups');
    const user = await app.makeUser(uniqueUsername('member'), uniqueEmail('member'));
    const roles = {
      admins: 'arn:aws:iam::123456789012:role/admins',
      readers: 'arn:aws:iam::123456789012:role/readers',
    };
    await sdk.send(new CreateGroupCommand({ UserPoolId: app.poolId, GroupName: 'readers', Precedence: 5, RoleArn: roles.readers }));
    await sdk.send(new CreateGroupCommand({ UserPoolId: app.poolId, GroupName: 'admins', Precedence: 1, RoleArn: roles.admins }));
    for (const group of ['readers', 'admins']) {
      await sdk.send(new AdminAddUserToGroupCommand({ UserPoolId: app.poolId, Username: user, GroupName: group }));
    }
    const { Groups } = await sdk.send(new AdminListGroupsForUserCommand({ UserPoolId: app.poolId, Username: user }));
    assert.deepEqual(Groups.map((g) => g.GroupName).sort(), ['admins', 'readers']);

    const tokens = await app.signIn(user);
    const id = await verifyToken(emulator, tokens.IdToken, { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    const access = await verifyToken(emulator, tokens.AccessToken, { poolId: app.poolId, clientId: app.clientId, tokenUse: 'access' });
    assert.deepEqual([...id['cognito:groups']].sort(), ['admins', 'readers']);
    assert.deepEqual([...access['cognito:groups']].sort(), ['admins', 'readers']);
    assert.deepEqual([...id['cognito:roles']].sort(), [roles.admins, roles.readers]);
    assert.equal(id['cognito:preferred_role'], roles.admins);
    assert.ok(!('cognito:roles' in access));
  });

  test('AliasAttributes email: sign in by the verified email, AliasExistsException for a second account', async () => {
    const app = await makeApp('sdk-v3-alias', { AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
    const email = uniqueEmail('alias');
    const first = await app.makeUser(uniqueUsername('alias-one'), email);
    const tokens = await app.signIn(email);
    const claims = await verifyToken(emulator, tokens.IdToken, { poolId: app.poolId, clientId: app.clientId, tokenUse: 'id' });
    assert.equal(claims['cognito:username'], first);
    assert.equal(claims.email, email);

    // A second account cannot take a verified alias without ForceAliasCreation...
    await assert.rejects(
      sdk.send(new AdminCreateUserCommand({
        UserPoolId: app.poolId,
        Username: uniqueUsername('alias-two'),
        UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
        MessageAction: 'SUPPRESS',
      })),
      fails(AliasExistsException),
    );
    // ...and with it the alias moves to the new account.
    const second = uniqueUsername('alias-two');
    await sdk.send(new AdminCreateUserCommand({
      UserPoolId: app.poolId,
      Username: second,
      UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }],
      MessageAction: 'SUPPRESS',
      ForceAliasCreation: true,
    }));
    await sdk.send(new AdminSetUserPasswordCommand({
      UserPoolId: app.poolId, Username: second, Password: NEW_PASSWORD, Permanent: true,
    }));
    const moved = await app.signIn(email, NEW_PASSWORD);
    assert.equal((await sdk.send(new GetUserCommand({ AccessToken: moved.AccessToken }))).Username, second);
    // The first account keeps its username sign-in.
    await app.signIn(first);
  });
});
