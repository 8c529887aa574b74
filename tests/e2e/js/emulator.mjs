// Shared helpers for the Node end-to-end tests (not a test file: `node --test` does not pick it up).
//
// startEmulator() runs the real binary (target/debug/cognito-emulator, or $COGNITO_EMULATOR_BIN) as a
// subprocess on port 0 with a throw-away data and key directory, exactly as tests/e2e/python/conftest.py
// does. Codes are read from the emulator's outbox (GET /_emulator/messages): the Python suite already
// proves the same messages arrive through a real SMTP server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createPublicKey, createVerify, createHmac } from 'node:crypto';
import { access, constants, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DEFAULT_BIN = path.join(REPO_ROOT, 'target', 'debug', 'cognito-emulator');
const BANNER = /listening on (http:\/\/[0-9.]+:(\d+))/;
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'AKIAEMULATORTEST0000', secretAccessKey: 'emulator-test-secret' };

/** Starts the emulator (with `extraArgs` after the defaults); resolves once its banner names the port. */
export async function startEmulator(extraArgs = []) {
  const bin = process.env.COGNITO_EMULATOR_BIN || DEFAULT_BIN;
  try {
    await access(bin, constants.X_OK);
  } catch {
    throw new Error(`cognito-emulator binary not found or not executable at ${bin} (set COGNITO_EMULATOR_BIN or run \`cargo build\`)`);
  }
  const tmp = await mkdtemp(path.join(tmpdir(), 'cognito-emulator-js-'));
  // The emulator reads COGNITO_EMULATOR_* as its own settings: pass none of ours through.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('COGNITO_EMULATOR_')));
  const child = spawn(
    bin,
    ['--host', '127.0.0.1', '--port', '0', '--data', path.join(tmp, 'data'), '--keys', path.join(tmp, 'keys'), '--log-level', 'warn', ...extraArgs],
    { stdio: ['ignore', 'pipe', 'pipe'], env },
  );
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const url = await new Promise((resolve, reject) => {
    let out = '';
    let settled = false;
    // First start generates two RSA-2048 keys; allow for a slow debug build.
    const timer = setTimeout(() => fail(new Error('emulator printed no banner within 60 s')), 60_000);
    const fail = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}; stderr:\n${stderr}`));
    };
    child.stdout.on('data', function onData(d) {
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      child.stdout.resume(); // keep draining so the child never blocks on a full pipe
      const m = BANNER.exec(out.slice(0, nl));
      if (!m) return fail(new Error(`unexpected first stdout line: ${JSON.stringify(out.slice(0, nl))}`));
      settled = true;
      clearTimeout(timer);
      resolve(m[1]);
      return undefined;
    });
    exited.then(({ code, signal }) => fail(new Error(`emulator exited early (code ${code}, signal ${signal})`)));
  });

  return {
    url,
    /** An AWS SDK v3 client for this emulator: endpoint override and dummy credentials only. */
    sdk() {
      return new CognitoIdentityProviderClient({ region: REGION, endpoint: url, credentials: CREDENTIALS, maxAttempts: 1 });
    },
    /** GET /_emulator/messages?destination=... (oldest first). */
    async messages(destination) {
      const res = await fetch(`${url}/_emulator/messages?destination=${encodeURIComponent(destination)}`);
      if (!res.ok) throw new Error(`GET /_emulator/messages: HTTP ${res.status}`);
      return (await res.json()).messages;
    },
    /** The code of the newest message to `destination` (the temporary password for an invitation). */
    async latestCode(destination, kind) {
      for (let i = 0; i < 50; i++) {
        const found = (await this.messages(destination)).filter((m) => m.code && (!kind || m.kind === kind));
        if (found.length) {
          const m = found[found.length - 1];
          if (!m.body.includes(m.code)) throw new Error(`message ${m.id} does not contain its code: ${m.body}`);
          return m.code;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`no message with a code to ${destination}`);
    },
    async jwks(poolId) {
      const res = await fetch(`${url}/${poolId}/.well-known/jwks.json`);
      if (!res.ok) throw new Error(`GET jwks: HTTP ${res.status}`);
      return res.json();
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(tmp, { recursive: true, force: true });
    },
  };
}

function b64urlJson(part) {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

/** Claims of a JWT without checking it. */
export function decodeJwt(token) {
  return b64urlJson(token.split('.')[1]);
}

/**
 * Verifies a Cognito token as a backend would: RS256 signature with the key from
 * `<iss>/.well-known/jwks.json`, iss = `<emulator url>/<poolId>`, exp, token_use, and aud (id token) or
 * client_id (access token). Returns the claims.
 */
export async function verifyToken(emulator, token, { poolId, clientId, tokenUse }) {
  const [h, p, s] = token.split('.');
  const header = b64urlJson(h);
  if (header.alg !== 'RS256') throw new Error(`alg ${header.alg}`);
  const { keys } = await emulator.jwks(poolId);
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) throw new Error(`kid ${header.kid} not in the JWKS`);
  const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
  if (!ok) throw new Error('bad signature');
  const claims = b64urlJson(p);
  if (claims.iss !== `${emulator.url}/${poolId}`) throw new Error(`iss ${claims.iss}`);
  if (!(claims.exp > Date.now() / 1000)) throw new Error('expired');
  if (claims.token_use !== tokenUse) throw new Error(`token_use ${claims.token_use}`);
  if (tokenUse === 'id' && claims.aud !== clientId) throw new Error(`aud ${claims.aud}`);
  if (tokenUse === 'access' && (claims.client_id !== clientId || 'aud' in claims)) throw new Error(`client_id ${claims.client_id}`);
  return claims;
}

/** Base64(HMAC-SHA256(secret, username + clientId)). */
export function secretHash(username, clientId, clientSecret) {
  return createHmac('sha256', clientSecret).update(username + clientId).digest('base64');
}

let counter = 0;
export function uniqueEmail(tag) {
  counter += 1;
  return `${tag}-${process.pid}-${Date.now().toString(36)}-${counter}@example.com`;
}

export function uniqueUsername(tag) {
  return `${tag}-${Math.random().toString(36).slice(2, 12)}`;
}

/** Another six-digit code than `code`. */
export function otherCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

/** assert.rejects predicate: the SDK's modeled exception class, its name, the exact message, HTTP 400. */
export function fails(cls, message) {
  return (err) => {
    assert.ok(err instanceof cls, `expected ${cls.name}, got ${err.name}: ${err.message}`);
    assert.equal(err.name, cls.name);
    if (message !== undefined) assert.equal(err.message, message);
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  };
}

/**
 * Records the Cognito operations (X-Amz-Target, and ChallengeName for RespondToAuthChallenge) every
 * fetch in this process sends: amazon-cognito-identity-js calls the global fetch, so a test can see
 * which steps the library took without changing it.
 */
export function recordCognitoCalls() {
  const calls = [];
  const bodies = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input, init = {}) => {
    const target = init.headers?.['X-Amz-Target'];
    if (target) {
      const op = target.split('.').pop();
      const body = JSON.parse(init.body);
      calls.push(op === 'RespondToAuthChallenge' ? `${op}:${body.ChallengeName}` : op);
      bodies.push(body);
    }
    return original(input, init);
  };
  return {
    calls,
    /** Request bodies, in the same order as `calls`. */
    bodies,
    /** The calls so far (and forgets them and their bodies). */
    take() {
      bodies.splice(0, bodies.length);
      return calls.splice(0, calls.length);
    },
    restore() {
      globalThis.fetch = original;
    },
  };
}
