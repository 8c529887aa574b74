// --require-sigv4 through the AWS SDK for JavaScript v3, signing with the right and a wrong secret
// (issue 14, item 6): IAM-authorized operations need a valid signature, public ones stay open.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ListUserPoolsCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';

import { REGION, startEmulator } from './emulator.mjs';

const KEY = 'AKIASIGV4JSTEST00001';
const SECRET = 'the-right-secret';
let emu;

before(async () => {
  emu = await startEmulator(['--require-sigv4', '--sigv4-credentials', `${KEY}:${SECRET}`]);
});

after(async () => {
  await emu?.stop();
});

function client(secretAccessKey, accessKeyId = KEY) {
  return new CognitoIdentityProviderClient({
    region: REGION, endpoint: emu.url, credentials: { accessKeyId, secretAccessKey }, maxAttempts: 1,
  });
}

test('the right secret signs, a wrong one or an unknown key is refused as AWS refuses it', async () => {
  const good = client(SECRET);
  const pool = (await good.send(new CreateUserPoolCommand({ PoolName: 'signed-js' }))).UserPool.Id;
  const pools = await good.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  assert.ok(pools.UserPools.some((p) => p.Id === pool));
  await assert.rejects(client('a-wrong-secret').send(new ListUserPoolsCommand({ MaxResults: 10 })), (e) => {
    assert.equal(e.name, 'InvalidSignatureException');
    return true;
  });
  await assert.rejects(client(SECRET, 'AKIAUNKNOWN000000000').send(new ListUserPoolsCommand({ MaxResults: 10 })), (e) => {
    assert.equal(e.name, 'UnrecognizedClientException');
    assert.equal(e.message, 'The security token included in the request is invalid.');
    return true;
  });
  // SignUp is public on AWS: any signature, or a wrong one, is fine.
  const clientId = (await good.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'web' })))
    .UserPoolClient.ClientId;
  const out = await client('a-wrong-secret').send(
    new SignUpCommand({ ClientId: clientId, Username: 'open-js', Password: 'Passw0rd!' }),
  );
  assert.equal(out.UserConfirmed, false);
});
