// The local identity provider of the example: oidc-provider (OpenID Certified) on 127.0.0.1 with a
// plain-http issuer, its development login and consent pages (any login and password are accepted; the
// login becomes `sub`), and a few known people whose claims it releases.
import Provider from 'oidc-provider';
import * as jose from 'jose';

const people = {
  ada: { email: 'ada@example.com', email_verified: true, given_name: 'Ada', department: 'Engineering' },
  grace: { email: 'grace@example.com', email_verified: true, given_name: 'Grace', department: 'Research' },
};

/**
 * Starts the provider on `port`. `redirectUris`: the pool's `/oauth2/idpresponse` (as the browser reaches
 * the emulator). Client id and secret are the seed's ProviderDetails.
 */
export async function startIdp({ port, redirectUris, clientId = 'federation-demo', clientSecret = 'federation-demo-secret' }) {
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post', // what Cognito uses with OIDC IdPs
    }],
    jwks: { keys: [{ ...(await jose.exportJWK(privateKey)), kid: 'demo-key', alg: 'RS256', use: 'sig' }] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'department'] },
    async findAccount(ctx, sub) {
      return { accountId: sub, async claims() { return { sub, ...(people[sub] ?? { email: `${sub}@example.com` }) }; } };
    },
    pkce: { required: () => false },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
  });
  provider.proxy = false;
  const server = provider.listen(port, '127.0.0.1');
  await new Promise((resolve, reject) => { server.once('listening', resolve); server.once('error', reject); });
  return { issuer, close: () => new Promise((r) => server.close(r)) };
}
