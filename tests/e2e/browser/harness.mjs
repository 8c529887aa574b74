// Shared helpers of the browser suite (not a test file).
//
// startEmulator() runs the real binary ($COGNITO_EMULATOR_BIN or target/debug/cognito-emulator) with
// the HTTPS listener on free ports and throw-away data/keys; launchBrowser() starts Debian's Chromium
// through playwright-core (Playwright's own browser download cannot run here) and, when `certutil` is
// there, makes it trust the emulator's local CA exactly as a developer would; appServer() serves the
// relying-party pages on http://localhost. Screenshots go to artifacts/ (git-ignored, kept by CI).

import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { access, constants, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
export const ARTIFACTS = path.join(HERE, 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Starts the emulator (extra flags appended); resolves with its http and https URLs. */
export async function startEmulator(extra = []) {
  const bin = process.env.COGNITO_EMULATOR_BIN || path.join(REPO_ROOT, 'target', 'debug', 'cognito-emulator');
  await access(bin, constants.X_OK);
  const tmp = await mkdtemp(path.join(tmpdir(), 'cognito-emulator-browser-'));
  const keys = path.join(tmp, 'keys');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGNITO_EMULATOR_')));
  const child = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--https-port', '0', '--data', ':memory:',
    '--keys', keys, '--log-level', 'warn', ...extra], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const urls = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no banner in 60 s; stderr:\n${stderr}`)); }, 60_000);
    child.stdout.on('data', (d) => {
      out += d;
      const http = /listening on (http:\/\/[0-9.]+:\d+)/.exec(out);
      const https = /HTTPS on https:\/\/[0-9.]+:(\d+)/.exec(out);
      if (http && https) {
        clearTimeout(timer);
        resolve({ url: http[1], httpsPort: Number(https[1]) });
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`emulator exited (${code}):\n${stderr}`)); });
  });
  const { url } = urls;
  const api = async (op, body) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSCognitoIdentityProviderService.${op}` },
      body: JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status !== 200) throw new Error(`${op}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url,
    httpsPort: urls.httpsPort,
    /** https://localhost:<port>: what Amplify's oauth.domain names (without the scheme). */
    httpsDomain: `localhost:${urls.httpsPort}`,
    caFile: path.join(keys, 'tls-ca.pem'),
    api,
    /** The newest code sent to `destination` (GET /_emulator/messages). */
    async lastCode(destination) {
      const res = await fetch(`${url}/_emulator/messages?destination=${encodeURIComponent(destination)}`);
      const { messages } = await res.json();
      const code = messages.at(-1)?.code;
      if (!code) throw new Error(`no code sent to ${destination}`);
      return code;
    },
    /** Emulator time (epoch seconds) and moving it forward. */
    async now() { return (await (await fetch(`${url}/_emulator/clock`)).json()).now; },
    async advance(seconds) {
      await fetch(`${url}/_emulator/clock`, { method: 'POST', body: JSON.stringify({ advanceSeconds: seconds }) });
    },
    stop() { child.kill('SIGTERM'); },
  };
}

/** A pool with a user `alice` (confirmed, password `Passw0rd!`) and an OAuth client. */
export async function pool(emu, { clientExtra = {}, poolExtra = {}, callbacks } = {}) {
  const { UserPool } = await emu.api('CreateUserPool', {
    PoolName: 'hosted', AutoVerifiedAttributes: ['email'],
    Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }], ...poolExtra,
  });
  const { UserPoolClient } = await emu.api('CreateUserPoolClient', {
    UserPoolId: UserPool.Id, ClientName: 'web', AllowedOAuthFlowsUserPoolClient: true,
    AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
    CallbackURLs: callbacks ?? ['http://localhost:3000/cb'], LogoutURLs: callbacks ?? ['http://localhost:3000/cb'],
    SupportedIdentityProviders: ['COGNITO'], ...clientExtra,
  });
  return { poolId: UserPool.Id, clientId: UserPoolClient.ClientId, secret: UserPoolClient.ClientSecret };
}

/** Creates a confirmed user with a permanent password. */
export async function user(emu, poolId, username, { password = 'Passw0rd!', email = `${username}@example.com`, extra = [] } = {}) {
  await emu.api('AdminCreateUser', {
    UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: email }, { Name: 'email_verified', Value: 'true' }, ...extra],
  });
  await emu.api('AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: password, Permanent: true });
}

/** Chromium headless, trusting `caFile` when certutil can put it in a private NSS database. */
export async function launchBrowser({ caFile } = {}) {
  let env = { ...process.env };
  let trusted = false;
  if (caFile && existsSync('/usr/bin/certutil')) {
    const home = await mkdtemp(path.join(tmpdir(), 'chromium-home-'));
    const db = path.join(home, '.pki', 'nssdb');
    await mkdir(db, { recursive: true });
    execFileSync('certutil', ['-d', `sql:${db}`, '-N', '--empty-password']);
    execFileSync('certutil', ['-d', `sql:${db}`, '-A', '-t', 'C,,', '-n', 'cognito-emulator', '-i', caFile]);
    env = { ...env, HOME: home };
    trusted = true;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    env,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return { browser, trusted };
}

/** Saves a full-page screenshot as artifacts/<name>.png. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** An HTTP server on localhost: `routes` maps a path to [content type, body]; other paths answer a
 * small page showing the URL (a callback target). */
export async function appServer(routes = {}) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const route = routes[url.pathname];
    if (route) {
      res.writeHead(200, { 'content-type': route[0] });
      res.end(typeof route[1] === 'function' ? await route[1]() : route[1]);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>callback</title><h1 id="callback">Back at the app</h1>');
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  return { port, origin: `http://localhost:${port}`, close: () => new Promise((r) => server.close(r)) };
}

/** RFC 6238 TOTP (SHA-1, 6 digits, 30 s) of a base32 secret at epoch second `at`. */
export function totp(secret, at) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

/** Fills the sign-in form and submits it. */
export async function signIn(page, username, password) {
  await page.fill('#signInFormUsername', username);
  await page.fill('#signInFormPassword', password);
  await page.click('#signInSubmitButton');
}

export { readFile };
