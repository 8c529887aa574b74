// An upstream OpenID Provider for the federation tests: oidc-provider (OpenID Certified), in-process on
// 127.0.0.1 with a plain-http issuer, its built-in development login (any login/password; the login
// becomes `sub`) and consent pages. The ID token of the /token answer can be spoiled on purpose
// (setMode): tampered, expired, wrong-aud, wrong-iss, wrong-nonce, other-key. Not a test file.

import { once } from 'node:events';
import net from 'node:net';

import * as jose from 'jose';
import Provider from 'oidc-provider';

/** A free port on 127.0.0.1. */
export async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** Starts the provider; `redirectUris` are the pool's `/oauth2/idpresponse` URLs. */
export async function startOp({ redirectUris, clientId = 'pool-client', clientSecret = 'pool-client-secret',
  users = {} } = {}) {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'op-key-1', alg: 'RS256', use: 'sig' };
  const { privateKey: otherKey } = await jose.generateKeyPair('RS256');
  const provider = new Provider(issuer, {
    clients: [{
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      // Cognito authenticates to upstream OIDC IdPs with client_secret_post.
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingJwk] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['given_name', 'family_name', 'name'] },
    async findAccount(ctx, sub) {
      return { accountId: sub, async claims() { return { sub, ...(users[sub] ?? {}) }; } };
    },
    pkce: { required: () => false },
    // Scope claims in the ID token itself, not only at userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    ttl: { IdToken: 3600, AccessToken: 3600, AuthorizationCode: 300, Session: 3600, Grant: 3600, Interaction: 600 },
  });
  provider.proxy = false;
  let mode = 'none';
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.path !== '/token' || ctx.status !== 200 || mode === 'none' || !ctx.body?.id_token) return;
    const claims = jose.decodeJwt(ctx.body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const resign = (c, key = privateKey) => new jose.SignJWT(c).setProtectedHeader({ alg: 'RS256', kid: 'op-key-1' }).sign(key);
    switch (mode) {
      case 'tampered': { // the payload changed after signing
        const [h, , s] = ctx.body.id_token.split('.');
        const p = jose.base64url.encode(JSON.stringify({ ...claims, email: 'mallory@example.com' }));
        ctx.body.id_token = `${h}.${p}.${s}`;
        break;
      }
      case 'expired': ctx.body.id_token = await resign({ ...claims, iat: now - 7200, exp: now - 3600 }); break;
      case 'wrong-aud': ctx.body.id_token = await resign({ ...claims, aud: 'someone-else' }); break;
      case 'wrong-iss': ctx.body.id_token = await resign({ ...claims, iss: 'http://127.0.0.1:1' }); break;
      case 'wrong-nonce': ctx.body.id_token = await resign({ ...claims, nonce: 'not-the-one-sent' }); break;
      case 'other-key': ctx.body.id_token = await resign(claims, otherKey); break;
      default: throw new Error(`unknown mode ${mode}`);
    }
  });
  const server = provider.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    issuer, clientId, clientSecret,
    setMode(m) { mode = m; },
    close: () => new Promise((r) => server.close(r)),
  };
}

/** Signs in at the provider's development pages (login, then consent) when they are shown. */
export async function idpLogin(page, login, { screenshots } = {}) {
  await page.waitForSelector('input[name="login"]');
  if (screenshots) await screenshots('federation-idp-login');
  await page.fill('input[name="login"]', login);
  await page.fill('input[name="password"]', 'any-password');
  await page.click('button[type="submit"]');
  // Then the consent page (a new interaction), unless this browser already granted it.
  await page.waitForFunction(() => !document.querySelector('input[name="login"]'));
  await page.waitForLoadState('load');
  if (new URL(page.url()).pathname.startsWith('/interaction/')) {
    if (screenshots) await screenshots('federation-idp-consent');
    await page.click('button[type="submit"]');
  }
}
