#!/usr/bin/env node
// A Lambda-compatible test host for Node handlers: serves AWS Lambda's Invoke API on 127.0.0.1 and runs
// real handler modules (`export const handler = async (event, context) => ...`, and callback-style
// `exports.handler = (event, context, callback) => ...` with context.done/succeed/fail).
//
//   POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=...]
//   X-Amz-Invocation-Type: RequestResponse (default) | Event | DryRun
//
// FunctionName: a name, name:qualifier, a full ARN (arn:aws:lambda:<region>:<acct>:function:<name>[:q])
// or a partial ARN, URL-encoded in the path. Answers as the Invoke API does
// (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), with the Node.js runtime's error
// document (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html):
//   200 + the returned value as JSON (undefined -> null), X-Amz-Executed-Version: $LATEST;
//   handler threw / rejected / called back with an error -> 200, X-Amz-Function-Error: Unhandled,
//     {"errorType": err.name, "errorMessage": err.message, "trace": err.stack lines}
//     (a non-Error value v: {"errorType": typeof v, "errorMessage": String(v), "trace": []});
//   timeout exceeded (only when configured) -> 200 Unhandled, {"errorMessage": "<ts> <id> Task timed out after N.NN seconds"};
//   unknown function -> 404, x-amzn-ErrorType: ResourceNotFoundException, {"Type":"User","Message":"Function not found: <arn>"};
//   body not JSON -> 400 InvalidRequestContentException; Event -> 202 then the handler runs; DryRun -> 204;
//   checkSigV4 and a signature that does not verify -> 403 InvalidSignatureException, {"message": ...}.
// Every request is recorded in host.invocations.
//
// Library use (node:test):
//   import { startLambdaHost } from "./host.mjs";
//   const host = await startLambdaHost({ "pre-signup": "./handlers/node/pre_signup_auto_confirm.mjs",
//                                        boom: async () => { throw new Error("boom"); } }, { checkSigV4: true });
//   host.url; host.arn("pre-signup"); ...; host.last("pre-signup").event / .answer / .functionError
//   await host.close();
// Command line:
//   node host.mjs --port 9001 --handlers handlers/node/ [--check-sigv4] [--timeout 3]
// serves every *.mjs / *.js / *.cjs of the directory (not starting with "_") as a function named after
// the file, prints LAMBDA_HOST_URL=http://127.0.0.1:<port>, and answers GET/DELETE /_host/invocations.
// No dependencies; Node 20.

import { createHash, createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { readdirSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { pathToFileURL, fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const SYNC_GRACE_MS = 100;
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const FUNCTION_NAME =
  /^(?:arn:(aws[a-zA-Z-]*):lambda:)?(?:([a-z]{2}(?:-gov)?-[a-z]+-\d{1}):)?(?:(\d{12}):)?(?:function:)?([a-zA-Z0-9\-_.]+)(?::(\$LATEST|[a-zA-Z0-9\-_]+))?$/;

// ---------------------------------------------------------------------------------------------------
// SigV4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html)

export class SigV4Error extends Error {
  constructor(code, message, status = 403) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const hmac = (key, msg) => createHmac("sha256", key).update(msg, "utf8").digest();
const sha256hex = (data) => createHash("sha256").update(data).digest("hex");

export function signingKey(secret, date, region, service) {
  return hmac(hmac(hmac(hmac("AWS4" + secret, date), region), service), "aws4_request");
}

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ (and "/" when asked).
function uriEncode(s, keepSlash = false) {
  let out = "";
  for (const byte of Buffer.from(s, "utf8")) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c) || (keepSlash && c === "/")) out += c;
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

function removeDotSegments(p) {
  const out = [];
  for (const seg of p.split("/")) {
    if (seg && seg !== ".") {
      if (seg === "..") out.pop();
      else out.push(seg);
    }
  }
  return (p.startsWith("/") ? "/" : "") + out.join("/") + (p.endsWith("/") && out.length ? "/" : "");
}

// Non-S3 services encode the (already percent-encoded) path once more: %3A -> %253A.
export function canonicalUri(rawPath) {
  return rawPath ? uriEncode(removeDotSegments(rawPath), true) : "/";
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s.replace(/\+/g, "%20"));
  } catch {
    return s;
  }
}

export function canonicalQuery(rawQuery) {
  if (!rawQuery) return "";
  const pairs = rawQuery
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const i = part.indexOf("=");
      const k = i < 0 ? part : part.slice(0, i);
      const v = i < 0 ? "" : part.slice(i + 1);
      return [uriEncode(safeDecode(k)), uriEncode(safeDecode(v))];
    });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join("&");
}

const trimAll = (v) => String(v).trim().split(/\s+/).join(" ");

// headers: [[name, value], ...] as received (rawHeaders pairs).
export function canonicalRequest(method, rawPath, rawQuery, headers, signedHeaders, payloadHash) {
  const grouped = new Map();
  for (const [name, value] of headers) {
    const k = name.toLowerCase();
    if (!grouped.has(k)) grouped.set(k, []);
    grouped.get(k).push(trimAll(value));
  }
  const lines = signedHeaders.map((h) => {
    if (!grouped.has(h)) throw new SigV4Error("InvalidSignatureException", `Signed header '${h}' is missing from the request.`);
    return `${h}:${grouped.get(h).join(",")}`;
  });
  return [method.toUpperCase(), canonicalUri(rawPath), canonicalQuery(rawQuery), lines.join("\n") + "\n", signedHeaders.join(";"), payloadHash].join("\n");
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

export function verifySigV4({ method, rawPath, rawQuery, headers, body, credentials, service = "lambda", region = null, maxSkewSeconds = null, now = new Date() }) {
  const hmap = new Map();
  for (const [k, v] of headers) if (!hmap.has(k.toLowerCase())) hmap.set(k.toLowerCase(), v);
  const auth = hmap.get("authorization");
  if (!auth) throw new SigV4Error("MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = AUTH_RE.exec(auth.trim());
  if (!m) throw new SigV4Error("IncompleteSignatureException", `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. Authorization=${auth}`, 400);
  const cred = m[1].split("/");
  if (cred.length !== 5 || cred[4] !== "aws4_request") throw new SigV4Error("IncompleteSignatureException", `Credential is malformed: ${m[1]}`, 400);
  const [accessKey, date, scopeRegion, scopeService] = cred;
  if (!Object.hasOwn(credentials, accessKey)) throw new SigV4Error("UnrecognizedClientException", "The security token included in the request is invalid.");
  if (scopeService !== service) throw new SigV4Error("InvalidSignatureException", `Credential should be scoped to correct service: '${service}'. `);
  if (region && scopeRegion !== region) throw new SigV4Error("InvalidSignatureException", `Credential should be scoped to a valid region, not '${scopeRegion}'. `);
  const amzDate = hmap.get("x-amz-date");
  if (!amzDate) throw new SigV4Error("IncompleteSignatureException", "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.", 400);
  if (amzDate.slice(0, 8) !== date) throw new SigV4Error("InvalidSignatureException", "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.");
  if (maxSkewSeconds != null) {
    const t = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
    if (Math.abs(now.getTime() - t) / 1000 > maxSkewSeconds) throw new SigV4Error("InvalidSignatureException", `Signature expired: ${amzDate} is now earlier than ${now.toISOString()}`);
  }
  const signed = m[2].toLowerCase().split(";");
  if (!signed.includes("host")) throw new SigV4Error("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.");
  const actual = sha256hex(body);
  const payloadHash = hmap.get("x-amz-content-sha256") ?? actual;
  if (payloadHash !== actual && payloadHash !== "UNSIGNED-PAYLOAD") throw new SigV4Error("InvalidSignatureException", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
  const cr = canonicalRequest(method, rawPath, rawQuery, headers, signed, payloadHash);
  const scope = `${date}/${scopeRegion}/${scopeService}/aws4_request`;
  const sts = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(cr)].join("\n");
  const expected = createHmac("sha256", signingKey(credentials[accessKey], date, scopeRegion, scopeService)).update(sts, "utf8").digest("hex");
  const given = m[3].toLowerCase();
  if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new SigV4Error(
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
  return { accessKey, date, region: scopeRegion, service: scopeService, amzDate, signedHeaders: signed, canonicalRequest: cr, stringToSign: sts, signature: expected };
}

// Client side, for tests: the headers that make verifySigV4 accept a request. urlPath as sent on the wire.
export function signSigV4({ method = "POST", urlPath, query = "", host, body = "", accessKey, secret, region, service = "lambda", amzDate, extraHeaders = {} }) {
  amzDate ??= new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const headers = { host, "x-amz-date": amzDate };
  for (const [k, v] of Object.entries(extraHeaders)) headers[k.toLowerCase()] = v;
  const signed = Object.keys(headers).sort();
  const cr = canonicalRequest(method, urlPath, query, Object.entries(headers), signed, sha256hex(body));
  const scope = `${amzDate.slice(0, 8)}/${region}/${service}/aws4_request`;
  const sts = ["AWS4-HMAC-SHA256", amzDate, scope, sha256hex(cr)].join("\n");
  const sig = createHmac("sha256", signingKey(secret, amzDate.slice(0, 8), region, service)).update(sts, "utf8").digest("hex");
  const out = { ...headers };
  delete out.host;
  out.authorization = `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${signed.join(";")}, Signature=${sig}`;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Handlers

export async function loadHandler(spec) {
  if (typeof spec === "function") return spec;
  let file = String(spec);
  let attr = null;
  const colon = file.lastIndexOf(":");
  if (colon > 1) {
    attr = file.slice(colon + 1);
    file = file.slice(0, colon);
  }
  const mod = await import(pathToFileURL(path.resolve(file)).href);
  const names = attr ? [attr] : ["handler"];
  for (const n of names) {
    if (typeof mod[n] === "function") return mod[n];
    if (mod.default && typeof mod.default[n] === "function") return mod.default[n]; // CommonJS module.exports
  }
  throw new Error(`${spec}: no exported function ${names.join(" or ")}`);
}

// The Node.js runtime's error document (aws-lambda-nodejs-runtime-interface-client: toRapidResponse).
export function errorDocument(err) {
  if (err instanceof Error || (err && typeof err === "object" && typeof err.message === "string" && typeof err.stack === "string")) {
    return { errorType: err.name, errorMessage: err.message, trace: String(err.stack ?? "").split("\n") };
  }
  return { errorType: typeof err, errorMessage: String(err), trace: [] };
}

function timestamp() {
  return new Date().toISOString();
}

// ---------------------------------------------------------------------------------------------------

export class LambdaHost {
  constructor(functions = {}, { port = 0, host = "127.0.0.1", region = "us-east-1", accountId = "123456789012", checkSigV4 = false, credentials = { local: "local" }, sigV4Region = null, maxSkewSeconds = null, timeout = null, memoryMB = 128, quiet = true } = {}) {
    Object.assign(this, { region, accountId, checkSigV4, credentials, sigV4Region, maxSkewSeconds, quiet });
    this.defaultTimeout = timeout;
    this.memoryMB = memoryMB;
    this._bind = { port, host };
    this._pending = functions;
    this._functions = new Map();
    this._invocations = [];
    this._waiters = new Set();
    this._server = null;
  }

  async add(name, fn, { timeout = null, memoryMB = null } = {}) {
    const handler = await loadHandler(fn);
    this._functions.set(name, { name, handler, timeout: timeout ?? this.defaultTimeout, memoryMB: memoryMB ?? this.memoryMB });
  }

  remove(name) {
    this._functions.delete(name);
  }

  get functionNames() {
    return [...this._functions.keys()].sort();
  }

  arn(name, qualifier = null) {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}${qualifier ? ":" + qualifier : ""}`;
  }

  async start() {
    if (this._server) return this;
    for (const [name, fn] of Object.entries(this._pending)) await this.add(name, fn);
    this._pending = {};
    this._server = http.createServer((req, res) => this._onRequest(req, res));
    this._server.keepAliveTimeout = 1000;
    await new Promise((resolve, reject) => {
      this._server.once("error", reject);
      this._server.listen(this._bind.port, this._bind.host, resolve);
    });
    return this;
  }

  async stop() {
    if (!this._server) return;
    const server = this._server;
    this._server = null;
    server.closeAllConnections?.();
    await new Promise((resolve) => server.close(() => resolve()));
  }

  close() {
    return this.stop();
  }

  get port() {
    return this._server.address().port;
  }

  get url() {
    return `http://${this._bind.host}:${this.port}`;
  }

  invokeUrl(fn) {
    return `${this.url}/2015-03-31/functions/${encodeURIComponent(fn)}/invocations`;
  }

  get invocations() {
    return [...this._invocations];
  }

  invocationsOf(name) {
    return this._invocations.filter((i) => i.functionName === name);
  }

  last(name = null) {
    const found = name == null ? this._invocations : this.invocationsOf(name);
    if (!found.length) throw new Error(`no invocation of ${name ?? "any function"}; got ${JSON.stringify(this._invocations.map((i) => i.invokedAs))}`);
    return found.at(-1);
  }

  clear() {
    this._invocations.length = 0;
  }

  // Resolves when `count` invocations (of `name`) are recorded and finished (Event ones run after the 202).
  waitFor(name = null, count = 1, timeoutMs = 10000) {
    const check = () => {
      const found = name == null ? this.invocations : this.invocationsOf(name);
      return found.length >= count && found.every((i) => i.done) ? found : null;
    };
    const now = check();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const waiter = () => {
        const found = check();
        if (found) {
          clearTimeout(timer);
          this._waiters.delete(waiter);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this._waiters.delete(waiter);
        reject(new Error(`timed out waiting for ${count} invocation(s) of ${name ?? "any function"}`));
      }, timeoutMs);
      this._waiters.add(waiter);
    });
  }

  _notify() {
    for (const w of [...this._waiters]) w();
  }

  _finish(inv) {
    inv.durationMs = performance.now() - inv._t0;
    inv.done = true;
    this._notify();
  }

  _resolve(invokedAs, queryQualifier) {
    const m = FUNCTION_NAME.exec(invokedAs);
    const name = m ? m[4] : invokedAs;
    const qualifier = (m && m[5]) || queryQualifier || null;
    const region = (m && m[2]) || this.region;
    const account = (m && m[3]) || this.accountId;
    const arn = `arn:aws:lambda:${region}:${account}:function:${name}${qualifier ? ":" + qualifier : ""}`;
    return { fn: this._functions.get(name) ?? null, arn, qualifier };
  }

  // Runs a handler the way the Node.js runtime does; resolves to { payload: string, functionError }.
  async _run(fn, event, inv, arn, clientContext) {
    const timeoutMs = fn.timeout != null ? fn.timeout * 1000 : null;
    const deadline = Date.now() + (timeoutMs ?? 900000);
    let settle;
    const outcome = new Promise((resolve) => {
      settle = resolve;
    });
    let settled = false;
    const succeed = (result) => {
      if (!settled) {
        settled = true;
        settle({ result });
      }
    };
    const fail = (error) => {
      if (!settled) {
        settled = true;
        settle({ error: error ?? new Error("handled") });
      }
    };
    const callback = (err, result) => (err != null ? fail(err) : succeed(result));
    const context = {
      functionName: fn.name,
      functionVersion: "$LATEST",
      invokedFunctionArn: arn,
      memoryLimitInMB: String(fn.memoryMB),
      awsRequestId: inv.requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, "/")}/[$LATEST]${randomUUID().replace(/-/g, "")}`,
      identity: undefined,
      clientContext,
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: callback,
      succeed,
      fail,
    };
    try {
      const returned = fn.handler(event, context, callback);
      if (returned && typeof returned.then === "function") {
        returned.then(succeed, fail);
      } else if (fn.handler.length < 3) {
        // Not async and not callback-style: the runtime ignores the return value and answers null once
        // the event loop is empty, unless context.succeed/done/fail is called first. A shared host cannot
        // see "empty", so it waits SYNC_GRACE_MS for a context.* call, then answers null.
        setTimeout(() => succeed(null), SYNC_GRACE_MS).unref();
      }
    } catch (err) {
      fail(err);
    }
    let timer;
    const timeout = timeoutMs == null ? new Promise(() => {}) : new Promise((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), timeoutMs);
    });
    const got = await Promise.race([outcome, timeout]);
    clearTimeout(timer);
    if (got.timedOut) {
      settled = true;
      return { payload: JSON.stringify({ errorMessage: `${timestamp()} ${inv.requestId} Task timed out after ${fn.timeout.toFixed(2)} seconds` }), functionError: "Unhandled" };
    }
    if ("error" in got) return { payload: JSON.stringify(errorDocument(got.error)), functionError: "Unhandled" };
    try {
      const payload = JSON.stringify(got.result === undefined ? null : got.result);
      return { payload: payload === undefined ? "null" : payload, functionError: null };
    } catch (err) {
      return { payload: JSON.stringify({ errorType: "Runtime.MarshalError", errorMessage: `Unable to stringify response body: ${err.message}`, trace: [] }), functionError: "Unhandled" };
    }
  }

  _send(res, inv, status, body = "", headers = {}) {
    const h = { ...headers };
    if (inv) h["x-amzn-RequestId"] = inv.requestId;
    if (body && !h["Content-Type"]) h["Content-Type"] = "application/json";
    h["Content-Length"] = Buffer.byteLength(body);
    res.writeHead(status, h);
    res.end(body);
    if (inv) {
      inv.status = status;
      inv.responseHeaders = h;
    }
  }

  _clientError(res, inv, status, code, message, { key = "Message", withType = true } = {}) {
    if (inv) inv.error = code;
    const doc = withType ? { Type: "User", [key]: message } : { [key]: message };
    this._send(res, inv, status, JSON.stringify(doc), { "x-amzn-ErrorType": code });
  }

  async _onRequest(req, res) {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const [rawPath, ...rest] = req.url.split("?");
    const rawQuery = rest.join("?");
    if (rawPath.replace(/\/$/, "") === "/_host/invocations") {
      if (req.method === "GET") return this._send(res, null, 200, JSON.stringify(this._invocations.map(toJSON)));
      if (req.method === "DELETE") {
        this.clear();
        return this._send(res, null, 204);
      }
    }
    const m = INVOKE_PATH.exec(rawPath);
    if (!m || req.method !== "POST") {
      return this._send(res, null, 404, JSON.stringify({ message: `No route for ${req.method} ${rawPath}` }), { "x-amzn-ErrorType": "UnknownOperationException" });
    }
    const invokedAs = safeDecode(m[1]);
    const params = new URLSearchParams(rawQuery);
    const headerPairs = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headerPairs.push([req.rawHeaders[i], req.rawHeaders[i + 1]]);
    const headers = Object.fromEntries(headerPairs.map(([k, v]) => [k.toLowerCase(), v]));
    const invocationType = headers["x-amz-invocation-type"] ?? "RequestResponse";
    const { fn, arn, qualifier } = this._resolve(invokedAs, params.get("Qualifier"));
    const inv = {
      requestId: randomUUID(),
      functionName: fn ? fn.name : null,
      invokedAs,
      qualifier,
      invocationType,
      method: req.method,
      path: req.url,
      headers,
      body: body.toString("utf8"),
      event: null,
      status: null,
      responseHeaders: {},
      answer: null,
      functionError: null,
      error: null,
      signature: null,
      durationMs: null,
      done: false,
      _t0: performance.now(),
    };
    Object.defineProperty(inv, "_t0", { enumerable: false });
    this._invocations.push(inv);
    this._notify();
    let async = false;
    try {
      if (this.checkSigV4) {
        try {
          verifySigV4({ method: req.method, rawPath, rawQuery, headers: headerPairs, body, credentials: this.credentials, service: "lambda", region: this.sigV4Region, maxSkewSeconds: this.maxSkewSeconds });
          inv.signature = "ok";
        } catch (e) {
          if (!(e instanceof SigV4Error)) throw e;
          inv.signature = e.code;
          return this._clientError(res, inv, e.status, e.code, e.message, { key: "message", withType: false });
        }
      } else inv.signature = "skipped";
      if (!["RequestResponse", "Event", "DryRun"].includes(invocationType)) {
        return this._clientError(res, inv, 400, "InvalidParameterValueException", `1 validation error detected: Value '${invocationType}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`, { key: "message" });
      }
      if (!fn) return this._clientError(res, inv, 404, "ResourceNotFoundException", `Function not found: ${arn}`);
      let event;
      try {
        event = body.length && body.toString("utf8").trim() ? JSON.parse(body.toString("utf8")) : {};
      } catch (e) {
        return this._clientError(res, inv, 400, "InvalidRequestContentException", `Could not parse request body into json: ${e.message}`, { key: "message" });
      }
      inv.event = structuredClone(event);
      let clientContext;
      if (headers["x-amz-client-context"]) {
        try {
          clientContext = JSON.parse(Buffer.from(headers["x-amz-client-context"], "base64").toString("utf8"));
        } catch {
          clientContext = headers["x-amz-client-context"];
        }
      }
      if (invocationType === "DryRun") return this._send(res, inv, 204);
      if (invocationType === "Event") {
        this._send(res, inv, 202);
        async = true;
        this._run(fn, event, inv, arn, clientContext).then(({ payload, functionError }) => {
          inv.answer = JSON.parse(payload);
          inv.functionError = functionError;
          this._finish(inv);
        });
        return;
      }
      const { payload, functionError } = await this._run(fn, event, inv, arn, clientContext);
      inv.answer = JSON.parse(payload);
      inv.functionError = functionError;
      const h = { "X-Amz-Executed-Version": "$LATEST" };
      if (functionError) h["X-Amz-Function-Error"] = functionError;
      this._send(res, inv, 200, payload, h);
    } finally {
      if (!async) this._finish(inv);
    }
  }
}

function toJSON(inv) {
  const { _t0, ...rest } = inv;
  return rest;
}

export async function startLambdaHost(functions = {}, options = {}) {
  return new LambdaHost(functions, options).start();
}

export function functionsIn(dir) {
  const out = {};
  for (const f of readdirSync(dir).sort()) {
    if (f.startsWith("_") || !/\.(mjs|cjs|js)$/.test(f)) continue;
    out[f.replace(/\.(mjs|cjs|js)$/, "")] = path.join(dir, f);
  }
  return out;
}

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "9001" },
      handlers: { type: "string", multiple: true, default: [] },
      function: { type: "string", multiple: true, default: [] },
      region: { type: "string", default: "us-east-1" },
      "account-id": { type: "string", default: "123456789012" },
      "check-sigv4": { type: "boolean", default: false },
      credentials: { type: "string", multiple: true, default: [] },
      timeout: { type: "string" },
    },
  });
  const functions = {};
  for (const d of values.handlers) Object.assign(functions, functionsIn(d));
  for (const item of values.function) {
    const i = item.indexOf("=");
    functions[item.slice(0, i)] = item.slice(i + 1);
  }
  const credentials = values.credentials.length ? Object.fromEntries(values.credentials.map((c) => [c.slice(0, c.indexOf(":")), c.slice(c.indexOf(":") + 1)])) : undefined;
  const host = new LambdaHost({}, {
    host: values.host,
    port: Number(values.port),
    region: values.region,
    accountId: values["account-id"],
    checkSigV4: values["check-sigv4"],
    credentials,
    timeout: values.timeout != null ? Number(values.timeout) : null,
  });
  for (const [name, spec] of Object.entries(functions)) {
    try {
      await host.add(name, spec);
    } catch (e) {
      console.error(`lambda-host: skipping ${name}: ${e.message}`);
    }
  }
  await host.start();
  console.log(`LAMBDA_HOST_URL=${host.url}`);
  console.error(`lambda-host: functions ${host.functionNames.join(", ") || "(none)"}`);
  const stop = () => host.stop().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
