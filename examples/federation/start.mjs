// The federation example: a local OpenID Provider and an app (an openid-client relying party) around an
// emulated user pool whose identity provider `LocalIdP` is that provider.
//
//   cognito-emulator --seed examples/federation/seed.json
//   cd examples/federation && npm ci && npm start        # then open http://localhost:3000
//
// Sign in with "Continue with LocalIdP"; at the provider any login works: `ada` is linked to the pool's
// native user ada (seed LinkedProviders), `grace` (or any other name) becomes the federated user
// LocalIdP_grace in the group us-east-1_FedDemo_LocalIdP.
//
// Settings (environment): EMULATOR_URL (http://localhost:9229, as the browser reaches the emulator),
// POOL_ID, CLIENT_ID (the seed's), IDP_PORT (9555, the seed's oidc_issuer), PORT (3000).
import http from 'node:http';

import * as client from 'openid-client';

import { startIdp } from './idp.mjs';

const env = process.env;
const settings = {
  emulator: (env.EMULATOR_URL || 'http://localhost:9229').replace(/\/$/, ''),
  poolId: env.POOL_ID || 'us-east-1_FedDemo',
  clientId: env.CLIENT_ID || 'feddemoclient0000000000001',
  idpPort: Number(env.IDP_PORT || 9555),
  port: Number(env.PORT || 3000),
};
const origin = `http://localhost:${settings.port}`;
const emulator = new URL(settings.emulator);
// The pool sends the provider `<the URL the browser used>/oauth2/idpresponse`; accept both loopback names.
const hosts = new Set([emulator.host, emulator.host.replace('localhost', '127.0.0.1'), emulator.host.replace('127.0.0.1', 'localhost')]);
const idp = await startIdp({ port: settings.idpPort, redirectUris: [...hosts].map((h) => `${emulator.protocol}//${h}/oauth2/idpresponse`) });

const oidc = await client.discovery(new URL(`${settings.emulator}/${settings.poolId}`), settings.clientId, undefined,
  client.None(), { execute: [client.allowInsecureRequests] });
const pending = new Map();
const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Federation example</title>
<style>body{font:16px system-ui;max-width:760px;margin:40px auto;padding:0 16px}pre{background:#f3f4f8;padding:12px;overflow:auto}
a.button{display:inline-block;padding:10px 16px;background:#3b5bdb;color:#fff;border-radius:8px;text-decoration:none}</style>
</head><body><h1>Federation example</h1>${body}</body></html>`;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, origin);
  try {
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(
        `<p>An app signed in by the user pool <code>${escape(settings.poolId)}</code>, which federates the local identity provider
<code>${escape(idp.issuer)}</code>.</p><p><a class="button" id="signin" href="/login">Sign in</a></p>`));
    } else if (url.pathname === '/login') {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      pending.set(state, { verifier, nonce });
      const to = client.buildAuthorizationUrl(oidc, {
        redirect_uri: `${origin}/callback`, scope: 'openid email profile', state, nonce,
        code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
      });
      res.writeHead(302, { location: to.href }).end();
    } else if (url.pathname === '/callback') {
      const state = url.searchParams.get('state');
      const saved = pending.get(state);
      pending.delete(state);
      if (!saved) throw new Error(url.searchParams.get('error_description') || 'unknown state');
      const tokens = await client.authorizationCodeGrant(oidc, url, {
        pkceCodeVerifier: saved.verifier, expectedState: state, expectedNonce: saved.nonce, idTokenExpected: true,
      });
      const claims = tokens.claims();
      const logout = `${settings.emulator}/logout?client_id=${encodeURIComponent(settings.clientId)}&logout_uri=${encodeURIComponent(`${origin}/`)}`;
      res.writeHead(200, { 'content-type': 'text/html' }).end(page(
        `<p id="who">Signed in as ${escape(claims['cognito:username'])}</p>
<p>Groups: <span id="groups">${escape((claims['cognito:groups'] || []).join(', '))}</span></p>
<p>Identities: <span id="identities">${escape((claims.identities || []).map((i) => `${i.providerName}:${i.userId}`).join(', '))}</span></p>
<h2>ID token claims</h2><pre id="claims">${escape(JSON.stringify(claims, null, 2))}</pre>
<p><a class="button" id="signout" href="${escape(logout)}">Sign out</a></p>`));
    } else {
      res.writeHead(404).end('not found');
    }
  } catch (e) {
    res.writeHead(400, { 'content-type': 'text/html' }).end(page(`<p id="error">${escape(e.message)}</p><p><a href="/">Back</a></p>`));
  }
});
server.listen(settings.port, '127.0.0.1', () => {
  console.log(`federation example: app on ${origin}, identity provider ${idp.issuer}, pool ${settings.poolId} at ${settings.emulator}`);
});
