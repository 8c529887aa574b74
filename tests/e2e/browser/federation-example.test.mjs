// examples/federation run as a developer runs it: the emulator started with the example's seed file
// (ports moved to free ones), `node start.mjs` (what `npm start` runs) with its local OpenID Provider and
// app, and Chromium signing in through the hosted page's button: once as `grace` (a new federated user)
// and once as `ada` (linked by the seed to the native user ada).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import { HERE, launchBrowser, screenshot, startEmulator } from './harness.mjs';
import { freePort, idpLogin } from './oidc-op.mjs';

const EXAMPLE = path.resolve(HERE, '..', '..', '..', 'examples', 'federation');

let emu;
let example;
let browser;
let origin;

before(async () => {
  assert.ok(existsSync(path.join(EXAMPLE, 'node_modules')), 'run `npm ci` in examples/federation first (tests/run does)');
  const [idpPort, appPort] = [await freePort(), await freePort()];
  origin = `http://localhost:${appPort}`;
  const seed = (await readFile(path.join(EXAMPLE, 'seed.json'), 'utf8'))
    .replaceAll('http://127.0.0.1:9555', `http://127.0.0.1:${idpPort}`)
    .replaceAll('http://localhost:3000', origin);
  const seedFile = path.join(await mkdtemp(path.join(tmpdir(), 'federation-example-')), 'seed.json');
  await writeFile(seedFile, seed);
  emu = await startEmulator(['--seed', seedFile]);
  const env = { ...process.env, EMULATOR_URL: emu.url, IDP_PORT: String(idpPort), PORT: String(appPort) };
  example = spawn(process.execPath, ['start.mjs'], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    example.stdout.on('data', (d) => { if (String(d).includes('federation example:')) resolve(); });
    example.once('exit', (code) => reject(new Error(`examples/federation/start.mjs exited (${code})`)));
  });
  ({ browser } = await launchBrowser());
});

after(async () => {
  await browser?.close();
  example?.kill();
  emu?.stop();
});

async function signInAs(login, shots) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  await page.click('#signin');
  await page.waitForSelector('#idp-LocalIdP');
  if (shots) await screenshot(page, 'example-federation-hosted-page');
  await page.click('#idp-LocalIdP');
  await idpLogin(page, login, shots ? { screenshots: (n) => screenshot(page, `example-${n}`) } : {});
  await page.waitForSelector('#who');
  if (shots) await screenshot(page, 'example-federation-signed-in');
  const out = {
    who: await page.textContent('#who'),
    groups: await page.textContent('#groups'),
    identities: await page.textContent('#identities'),
    claims: JSON.parse(await page.textContent('#claims')),
  };
  await page.click('#signout');
  await page.waitForURL(`${origin}/`);
  await context.close();
  return out;
}

test('a new person at the IdP becomes the federated user LocalIdP_grace', async () => {
  const grace = await signInAs('grace', true);
  assert.equal(grace.who, 'Signed in as LocalIdP_grace');
  assert.equal(grace.groups, 'us-east-1_FedDemo_LocalIdP');
  assert.equal(grace.identities, 'LocalIdP:grace');
  assert.equal(grace.claims.email, 'grace@example.com');
  assert.equal(grace.claims['custom:department'], 'Research');
});

test('the linked person lands on the native user ada', async () => {
  const ada = await signInAs('ada');
  assert.equal(ada.who, 'Signed in as ada');
  assert.equal(ada.groups, '');
  assert.equal(ada.identities, 'LocalIdP:ada');
});
