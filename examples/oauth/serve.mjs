// Two relying parties of the emulator's hosted UI on http://localhost:3000 (PORT to change it):
//   /           Amplify JS v6 (signInWithRedirect, fetchAuthSession, signOut), bundled here by esbuild,
//               against the emulator's HTTPS listener (Amplify always builds https://<oauth.domain>);
//   /oidc/login a server-side OpenID Connect client (openid-client v6): code flow with PKCE, then
//               the ID token claims and userInfo.
//
//   cognito-emulator --https-port 9443 --seed examples/oauth/seed.json
//   cd examples/oauth && npm ci && node serve.mjs
//
// Settings (environment): EMULATOR_URL (http://localhost:9229), HTTPS_DOMAIN (localhost:9443),
// POOL_ID, CLIENT_ID (the seed's), PORT (3000).
import http from 'node:http';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import * as client from 'openid-client';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const settings = {
  emulator: env.EMULATOR_URL || 'http://localhost:9229',
  domain: env.HTTPS_DOMAIN || 'localhost:9443',
  poolId: env.POOL_ID || 'us-east-1_OAuthDemo',
  clientId: env.CLIENT_ID || 'oauthdemoclient00000000001',
  port: Number(env.PORT || 3000),
};
const origin = `http://localhost:${settings.port}`;

const bundle = (await build({
  entryPoints: [path.join(here, 'amplify-app.js')],
  bundle: true, write: false, format: 'esm', platform: 'browser', target: 'es2022', logLevel: 'silent',
  nodePaths: env.EXTRA_NODE_PATH ? [env.EXTRA_NODE_PATH] : [],
})).outputFiles[0].text;
const page = (await readFile(path.join(here, 'index.html'), 'utf8')).replace('__CONFIG_JSON__', JSON.stringify({
  userPoolId: settings.poolId, clientId: settings.clientId, domain: settings.domain, redirect: `${origin}/`,
}));

// The OIDC client discovers the pool at <emulator>/<poolId> (plain HTTP needs allowInsecureRequests).
const oidc = await client.discovery(new URL(`${settings.emulator}/${settings.poolId}`), settings.clientId, undefined,
  client.None(), { execute: [client.allowInsecureRequests] });
const pending = new Map();

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, origin);
  try {
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    } else if (url.pathname === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    } else if (url.pathname === '/oidc/login') {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      pending.set(state, { verifier, nonce });
      const to = client.buildAuthorizationUrl(oidc, {
        redirect_uri: `${origin}/oidc/callback`, scope: 'openid email profile', state, nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      res.writeHead(302, { location: to.href }).end();
    } else if (url.pathname === '/oidc/callback') {
      const state = url.searchParams.get('state');
      const { verifier, nonce } = pending.get(state) ?? {};
      pending.delete(state);
      const tokens = await client.authorizationCodeGrant(oidc, url, {
        pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce,
      });
      const claims = tokens.claims();
      const info = await client.fetchUserInfo(oidc, tokens.access_token, claims.sub);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>OIDC</title>
<h1 id="oidc-user">Signed in as ${escape(claims['cognito:username'])}</h1>
<h2>ID token claims</h2><pre id="claims">${escape(JSON.stringify(claims, null, 2))}</pre>
<h2>userInfo</h2><pre id="userinfo">${escape(JSON.stringify(info, null, 2))}</pre>`);
    } else {
      res.writeHead(404).end();
    }
  } catch (e) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e?.stack || e));
  }
});
server.listen(settings.port, '127.0.0.1', () => {
  console.log(`example relying parties on ${origin}/ (Amplify) and ${origin}/oidc/login (openid-client)`);
});
