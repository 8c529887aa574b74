// Helpers of the passkey suite (not a test file): the emulator binary on port 0 with throw-away data,
// raw user pools API calls, a pool with passkeys for relying party `localhost`, a static server on
// 127.0.0.1 (pages are opened as http://localhost:<port>, an origin browsers allow WebAuthn on), and
// Debian's Chromium with a CDP virtual authenticator.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const EXAMPLE_DIR = path.join(REPO_ROOT, 'examples', 'passkeys');
const DEFAULT_BIN = path.join(REPO_ROOT, 'target', 'debug', 'cognito-emulator');
const BANNER = /listening on (http:\/\/[0-9.]+:(\d+))/;
export const PASSWORD = 'Passw0rd!';

/** Starts the emulator binary; resolves once its banner names the port. */
export async function startEmulator() {
  const bin = process.env.COGNITO_EMULATOR_BIN || DEFAULT_BIN;
  await access(bin, constants.X_OK).catch(() => {
    throw new Error(`cognito-emulator binary not found at ${bin} (set COGNITO_EMULATOR_BIN or run \`cargo build\`)`);
  });
  const tmp = await mkdtemp(path.join(tmpdir(), 'cognito-emulator-passkeys-'));
  // The emulator reads COGNITO_EMULATOR_* as its own settings: pass none of ours through.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGNITO_EMULATOR_')));
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--data', path.join(tmp, 'data'),
    '--keys', path.join(tmp, 'keys'), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no banner in 60 s: ${stderr}`)); }, 60_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited (${code}): ${stderr}`)); });
    child.stdout.on('data', function onData(d) {
      out += d;
      const m = BANNER.exec(out);
      if (!m) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      clearTimeout(timer);
      resolve(m[1]);
    });
  });
  return {
    url,
    async stop() {
      child.removeAllListeners('exit');
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
      await rm(tmp, { recursive: true, force: true });
    },
    /** Calls an operation: { status, body }. */
    async call(operation, body) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${operation}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => null) };
    },
    /** Calls an operation that must succeed. */
    async ok(operation, body) {
      const r = await this.call(operation, body);
      assert.equal(r.status, 200, `${operation}: ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}

/** A pool with passkeys (relying party localhost, user verification `uv`) and a public app client. */
export async function passkeyPool(emu, uv) {
  const pool = await emu.ok('CreateUserPool', {
    PoolName: 'passkeys',
    Policies: { SignInPolicy: { AllowedFirstAuthFactors: ['PASSWORD', 'WEB_AUTHN'] } },
  });
  const poolId = pool.UserPool.Id;
  await emu.ok('SetUserPoolMfaConfig', { UserPoolId: poolId, WebAuthnConfiguration: { RelyingPartyId: 'localhost', UserVerification: uv } });
  const client = await emu.ok('CreateUserPoolClient', {
    UserPoolId: poolId, ClientName: 'web',
    ExplicitAuthFlows: ['ALLOW_USER_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  });
  return { poolId, clientId: client.UserPoolClient.ClientId };
}

/** A confirmed user with PASSWORD. */
export async function createUser(emu, poolId, username) {
  await emu.ok('AdminCreateUser', { UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' });
  await emu.ok('AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: PASSWORD, Permanent: true });
}

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8' };

/** Serves the files of `dir` on 127.0.0.1; `base` is the http://localhost:<port> URL. */
export async function serve(dir) {
  const server = http.createServer(async (req, res) => {
    const name = path.normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(path.join(dir, name === '/' ? 'index.html' : name));
      res.writeHead(200, { 'content-type': TYPES[path.extname(name)] || 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { base: `http://localhost:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/** A new page with a CDP virtual authenticator (`options` as WebAuthn.addVirtualAuthenticator takes). */
export async function pageWithAuthenticator(browser, options) {
  const page = await browser.newPage();
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', hasResidentKey: true, automaticPresenceSimulation: true, ...options },
  });
  page.on('pageerror', (e) => console.error('page error:', e));
  return {
    page,
    cdp,
    authenticatorId,
    /** The authenticator's credentials (with signCount). */
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}
