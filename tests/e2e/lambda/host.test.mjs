// Self-tests of host.mjs (the Node Lambda test host) and of the Node trigger handlers.
// Run: node --test tests/e2e/lambda/   (the botocore cross-check needs a python with botocore:
// LAMBDA_HOST_PYTHON, else tests/e2e/.venv/bin/python, else python3; it is skipped when none has it)
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { canonicalUri, functionsIn, signingKey, signSigV4, startLambdaHost, verifySigV4 } from "./host.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const NODE_HANDLERS = path.join(HERE, "handlers", "node");

async function post(url, body = "{}", headers = {}, method = "POST") {
  const res = await fetch(url, { method, body: method === "GET" ? undefined : typeof body === "string" ? body : JSON.stringify(body), headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

function cognitoEvent(triggerSource, request, userName = "ada", response = {}) {
  return { version: "1", triggerSource, region: "us-east-1", userPoolId: "us-east-1_EXAMPLE", userName, callerContext: { awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "client123" }, request, response };
}

const echo = async (event, context) => ({
  event,
  functionName: context.functionName,
  invokedFunctionArn: context.invokedFunctionArn,
  awsRequestId: context.awsRequestId,
  remaining: context.getRemainingTimeInMillis(),
  memory: context.memoryLimitInMB,
});

describe("host.mjs", () => {
  let host;
  before(async () => {
    host = await startLambdaHost({
      echo,
      boom: async () => {
        const err = new Error("budget exhausted");
        err.name = "BudgetExhausted";
        throw err;
      },
      callbackError: (event, context, callback) => callback("Bad password"),
      contextFail: (event, context) => context.fail(new TypeError("nope")),
      contextSucceed: (event, context) => setTimeout(() => context.succeed({ late: true }), 10),
      syncReturn: (event) => event,
      circular: async () => {
        const o = {};
        o.self = o;
        return o;
      },
      mutate: async (event) => {
        event.response.touched = true;
        return event;
      },
    });
  });
  after(() => host.close());

  for (const [fn, qualifier] of [
    ["echo", null],
    ["arn:aws:lambda:us-east-1:123456789012:function:echo", null],
    ["arn:aws:lambda:eu-west-1:000000000000:function:echo:$LATEST", "$LATEST"],
    ["123456789012:function:echo", null],
    ["echo:live", "live"],
  ]) {
    test(`invoke as ${fn}`, async () => {
      const r = await post(host.invokeUrl(fn), { hello: "world" }, { "X-Amz-Invocation-Type": "RequestResponse" });
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("x-amz-executed-version"), "$LATEST");
      assert.equal(r.headers.get("x-amz-function-error"), null);
      assert.deepEqual(r.body.event, { hello: "world" });
      assert.equal(r.body.functionName, "echo");
      assert.equal(r.body.awsRequestId, r.headers.get("x-amzn-requestid"));
      assert.ok(r.body.invokedFunctionArn.endsWith(":function:echo" + (qualifier ? `:${qualifier}` : "")));
      assert.ok(r.body.remaining > 0);
      assert.equal(r.body.memory, "128");
      assert.equal(host.last("echo").invokedAs, fn);
      assert.equal(host.last("echo").qualifier, qualifier);
    });
  }

  test("a thrown error is an Unhandled function error with the Node runtime's document", async () => {
    const r = await post(host.invokeUrl(host.arn("boom")), {});
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("x-amz-function-error"), "Unhandled");
    assert.equal(r.body.errorType, "BudgetExhausted");
    assert.equal(r.body.errorMessage, "budget exhausted");
    assert.ok(Array.isArray(r.body.trace) && r.body.trace[0].startsWith("BudgetExhausted: budget exhausted"));
  });

  test("callback(string), context.fail, context.succeed, sync return, unserialisable result", async () => {
    let r = await post(host.invokeUrl("callbackError"), {});
    assert.equal(r.headers.get("x-amz-function-error"), "Unhandled");
    assert.deepEqual(r.body, { errorType: "string", errorMessage: "Bad password", trace: [] });
    r = await post(host.invokeUrl("contextFail"), {});
    assert.equal(r.body.errorType, "TypeError");
    r = await post(host.invokeUrl("contextSucceed"), {});
    assert.deepEqual(r.body, { late: true });
    r = await post(host.invokeUrl("syncReturn"), { a: 1 });
    assert.equal(r.status, 200);
    assert.equal(r.body, null, "a non-async handler that does not call back answers null, as on Lambda");
    r = await post(host.invokeUrl("circular"), {});
    assert.equal(r.headers.get("x-amz-function-error"), "Unhandled");
    assert.equal(r.body.errorType, "Runtime.MarshalError");
  });

  test("unknown function: 404 ResourceNotFoundException", async () => {
    const r = await post(host.invokeUrl("arn:aws:lambda:us-east-1:123456789012:function:missing"), {});
    assert.equal(r.status, 404);
    assert.equal(r.headers.get("x-amzn-errortype"), "ResourceNotFoundException");
    assert.deepEqual(r.body, { Type: "User", Message: "Function not found: arn:aws:lambda:us-east-1:123456789012:function:missing" });
  });

  test("bad JSON, other routes, Event, DryRun", async () => {
    let r = await post(host.invokeUrl("echo"), "{nope");
    assert.equal(r.status, 400);
    assert.equal(r.headers.get("x-amzn-errortype"), "InvalidRequestContentException");
    r = await post(`${host.url}/2015-03-31/functions/echo`, "{}");
    assert.equal(r.status, 404);
    r = await post(host.invokeUrl("mutate"), { response: {} }, { "X-Amz-Invocation-Type": "Event" });
    assert.equal(r.status, 202);
    assert.equal(r.body, null);
    const [inv] = await host.waitFor("mutate");
    assert.deepEqual(inv.answer, { response: { touched: true } });
    assert.deepEqual(inv.event, { response: {} }, "recorded event is a copy taken before the handler ran");
    r = await post(host.invokeUrl("echo"), "{}", { "X-Amz-Invocation-Type": "DryRun" });
    assert.equal(r.status, 204);
  });

  test("every request is recorded", async () => {
    host.clear();
    await post(host.invokeUrl("echo"), { n: 1 }, { "X-Custom": "yes" });
    await post(host.invokeUrl("nope"), {});
    assert.deepEqual(host.invocations.map((i) => [i.invokedAs, i.functionName, i.status]), [["echo", "echo", 200], ["nope", null, 404]]);
    const inv = host.last("echo");
    assert.equal(inv.headers["x-custom"], "yes");
    assert.deepEqual(inv.event, { n: 1 });
    assert.equal(inv.signature, "skipped");
    assert.ok(inv.done && inv.durationMs >= 0);
  });
});

test("a configured timeout answers like Lambda's", async () => {
  const host = await startLambdaHost({ slow: () => new Promise((r) => setTimeout(r, 2000)) }, { timeout: 0.2 });
  try {
    const t0 = Date.now();
    const r = await post(host.invokeUrl("slow"), {});
    assert.ok(Date.now() - t0 < 1500);
    assert.equal(r.headers.get("x-amz-function-error"), "Unhandled");
    assert.match(r.body.errorMessage, /Task timed out after 0\.20 seconds$/);
  } finally {
    await host.close();
  }
});

describe("SigV4", () => {
  let host;
  before(async () => {
    host = await startLambdaHost({ echo }, { checkSigV4: true });
  });
  after(() => host.close());

  test("AWS test vectors", () => {
    assert.equal(signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam").toString("hex"), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    const headers = [
      ["Host", "example.amazonaws.com"],
      ["X-Amz-Date", "20150830T123600Z"],
      ["Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"],
    ];
    const ok = verifySigV4({ method: "GET", rawPath: "/", rawQuery: "", headers, body: Buffer.alloc(0), credentials: { AKIDEXAMPLE: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" }, service: "service" });
    assert.equal(ok.canonicalRequest, "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.throws(() => verifySigV4({ method: "GET", rawPath: "/", rawQuery: "", headers, body: Buffer.alloc(0), credentials: { AKIDEXAMPLE: "other" }, service: "service" }), { code: "InvalidSignatureException" });
    assert.equal(canonicalUri("/2015-03-31/functions/arn%3Aaws%3Alambda/invocations"), "/2015-03-31/functions/arn%253Aaws%253Alambda/invocations");
  });

  test("accepts its own signature, refuses a wrong secret, an unknown key and no signature", async () => {
    const url = new URL(host.invokeUrl(host.arn("echo")));
    const body = JSON.stringify({ a: "é" });
    const good = signSigV4({ urlPath: url.pathname, host: url.host, body, accessKey: "local", secret: "local", region: "us-east-1" });
    assert.equal((await post(url, body, good)).status, 200);
    assert.equal(host.last().signature, "ok");
    const wrong = signSigV4({ urlPath: url.pathname, host: url.host, body, accessKey: "local", secret: "wrong", region: "us-east-1" });
    let r = await post(url, body, wrong);
    assert.equal(r.status, 403);
    assert.equal(r.headers.get("x-amzn-errortype"), "InvalidSignatureException");
    assert.match(r.body.message, /^The request signature we calculated does not match/);
    const unknown = signSigV4({ urlPath: url.pathname, host: url.host, body, accessKey: "AKIDX", secret: "local", region: "us-east-1" });
    assert.equal((await post(url, body, unknown)).headers.get("x-amzn-errortype"), "UnrecognizedClientException");
    r = await post(url, body);
    assert.equal(r.headers.get("x-amzn-errortype"), "MissingAuthenticationTokenException");
  });

  test("accepts a request signed by botocore and refuses botocore's signature with a wrong secret", async (t) => {
    const candidates = [process.env.LAMBDA_HOST_PYTHON, path.join(HERE, "..", ".venv", "bin", "python"), "python3"].filter(Boolean);
    const python = candidates.find((p) => {
      if (p.includes(path.sep) && !existsSync(p)) return false;
      try {
        execFileSync(p, ["-c", "import botocore"], { stdio: "ignore" });
        return true;
      } catch {
        return false;
      }
    });
    if (!python) return t.skip("no python with botocore");
    const sign = (url, body, secret) =>
      JSON.parse(
        execFileSync(python, ["-c", `
import json, sys
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
url, body, secret = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
req = AWSRequest(method="POST", url=url, data=body, headers={"X-Amz-Invocation-Type": "RequestResponse"})
SigV4Auth(Credentials("local", secret), "lambda", "us-east-1").add_auth(req)
print(json.dumps(dict(req.headers.items())))
`, url, body, secret]).toString(),
      );
    for (const fn of ["echo", host.arn("echo", "$LATEST")]) {
      const url = host.invokeUrl(fn);
      const body = JSON.stringify({ triggerSource: "PreSignUp_SignUp" });
      const r = await post(url, body, sign(url, body, "local"));
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(host.last().signature, "ok");
      const bad = await post(url, body, sign(url, body, "not-local"));
      assert.equal(bad.status, 403);
      assert.equal(bad.headers.get("x-amzn-errortype"), "InvalidSignatureException");
    }
  });
});

describe("Node trigger handlers", () => {
  let host;
  const invoke = async (name, event) => {
    const r = await post(host.invokeUrl(host.arn(name)), event);
    assert.equal(r.status, 200);
    return [r.headers.get("x-amz-function-error"), r.body];
  };
  before(async () => {
    host = await startLambdaHost(functionsIn(NODE_HANDLERS));
  });
  after(() => host.close());

  test("the directory's functions, without the _ helpers", () => {
    assert.ok(host.functionNames.includes("user_migration"));
    assert.ok(!host.functionNames.some((n) => n.startsWith("_")));
  });

  test("pre sign-up: AWS's callback-style auto-confirm, and the domain policy", async () => {
    let [, body] = await invoke("pre_signup_auto_confirm", cognitoEvent("PreSignUp_SignUp", { userAttributes: { email: "a@example.com", "custom:domain": "example.com" } }));
    assert.equal(body.response.autoConfirmUser, true);
    [, body] = await invoke("pre_signup_domain_policy", cognitoEvent("PreSignUp_SignUp", { userAttributes: { email: "ada@example.com" } }));
    assert.deepEqual(body.response, { autoConfirmUser: true, autoVerifyEmail: true });
    const [err, doc] = await invoke("pre_signup_domain_policy", cognitoEvent("PreSignUp_SignUp", { userAttributes: { email: "eve@blocked.example" } }));
    assert.equal(err, "Unhandled");
    assert.equal(doc.errorMessage, "Sign-ups from blocked.example are not allowed");
  });

  test("post confirmation writes a profile row", async () => {
    const table = path.join(mkdtempSync(path.join(tmpdir(), "profiles-")), "profiles.jsonl");
    process.env.PROFILE_TABLE = table;
    try {
      await invoke("post_confirmation_profile", cognitoEvent("PostConfirmation_ConfirmSignUp", { userAttributes: { sub: "s-1", email: "ada@example.com" } }));
    } finally {
      delete process.env.PROFILE_TABLE;
    }
    const row = JSON.parse(readFileSync(table, "utf8").trim());
    assert.equal(row.sub, "s-1");
    assert.equal(row.requestId, host.last("post_confirmation_profile").requestId);
  });

  test("pre token generation v1 (callback) and v2 (context.done)", async () => {
    let [, body] = await invoke("pre_token_generation_v1", cognitoEvent("TokenGeneration_Authentication", { userAttributes: {}, groupConfiguration: { groupsToOverride: ["admins"] } }));
    assert.deepEqual(body.response.claimsOverrideDetails.claimsToSuppress, ["email"]);
    assert.deepEqual(body.response.claimsOverrideDetails.groupOverrideDetails.groupsToOverride, ["group-A", "group-B", "group-C"]);
    [, body] = await invoke("pre_token_generation_v2", { ...cognitoEvent("TokenGeneration_Authentication", { userAttributes: {}, groupConfiguration: {}, scopes: [] }), version: "2" });
    assert.deepEqual(body.response.claimsAndScopeOverrideDetails.accessTokenGeneration.scopesToAdd, ["openid", "email", "solar-system-data/asteroids.add"]);
  });

  test("user migration: context.succeed and callback('Bad password')", async () => {
    let [err, body] = await invoke("user_migration", cognitoEvent("UserMigration_Authentication", { password: "Legacy-Passw0rd!" }, "legacy.ada@example.com"));
    assert.equal(err, null);
    assert.equal(body.response.finalUserStatus, "CONFIRMED");
    assert.equal(body.response.messageAction, "SUPPRESS");
    [err, body] = await invoke("user_migration", cognitoEvent("UserMigration_Authentication", { password: "wrong" }, "legacy.ada@example.com"));
    assert.equal(err, "Unhandled");
    assert.deepEqual(body, { errorType: "string", errorMessage: "Bad password", trace: [] });
    [err, body] = await invoke("user_migration", cognitoEvent("UserMigration_ForgotPassword", {}, "legacy-bob"));
    assert.equal(body.response.userAttributes.email_verified, "true");
  });

  test("custom message keeps the placeholders", async () => {
    const [, body] = await invoke("custom_message", cognitoEvent("CustomMessage_AdminCreateUser", { userAttributes: {}, codeParameter: "{####}", usernameParameter: "{username}" }));
    assert.match(body.response.emailMessage, /\{username\}.*\{####\}/);
    assert.equal(body.response.emailSubject, "Your Acme account is ready");
  });

  test("custom auth loop", async () => {
    const srp = { challengeName: "SRP_A", challengeResult: true };
    const pw = { challengeName: "PASSWORD_VERIFIER", challengeResult: true };
    const define = async (session) => (await invoke("define_auth_challenge", cognitoEvent("DefineAuthChallenge_Authentication", { userAttributes: {}, session })))[1].response;
    assert.equal((await define([srp])).challengeName, "PASSWORD_VERIFIER");
    assert.equal((await define([srp, pw])).challengeName, "CUSTOM_CHALLENGE");
    const created = (await invoke("create_auth_challenge", cognitoEvent("CreateAuthChallenge_Authentication", { userAttributes: {}, challengeName: "CUSTOM_CHALLENGE", session: [srp, pw] })))[1].response;
    assert.deepEqual(created.publicChallengeParameters, { captchaUrl: "url/123.jpg" });
    const verified = (await invoke("verify_auth_challenge", cognitoEvent("VerifyAuthChallengeResponse_Authentication", { userAttributes: {}, privateChallengeParameters: created.privateChallengeParameters, challengeAnswer: "5" })))[1].response;
    assert.equal(verified.answerCorrect, true);
    assert.equal((await define([srp, pw, { challengeName: "CUSTOM_CHALLENGE", challengeResult: true }])).issueTokens, true);
    assert.equal((await define([srp, pw, { challengeName: "CUSTOM_CHALLENGE", challengeResult: false }])).failAuthentication, true);
  });

  test("pathological handlers", async () => {
    const event = cognitoEvent("PreSignUp_SignUp", { userAttributes: {} });
    let [err, body] = await invoke("throws", event);
    assert.equal(err, "Unhandled");
    assert.equal(body.errorMessage, "boom");
    [err, body] = await invoke("malformed_no_response", event);
    assert.equal(body.response, undefined);
    [err, body] = await invoke("malformed_string", event);
    assert.equal(body, "this is not an event");
    [err, body] = await invoke("returns_undefined", event);
    assert.equal(body, null);
    process.env.SLEEP_SECONDS = "0.2";
    try {
      const t0 = Date.now();
      [err, body] = await invoke("sleeps_6s", event);
      assert.ok(Date.now() - t0 >= 190);
      assert.deepEqual(body, event);
    } finally {
      delete process.env.SLEEP_SECONDS;
    }
  });
});

test("command line: --handlers DIR, LAMBDA_HOST_URL, /_host/invocations", async () => {
  const child = spawn(process.execPath, [path.join(HERE, "host.mjs"), "--port", "0", "--handlers", NODE_HANDLERS], { stdio: ["ignore", "pipe", "pipe"] });
  try {
    const url = await new Promise((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => {
        out += d;
        const m = /LAMBDA_HOST_URL=(\S+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once("exit", (code) => reject(new Error(`host exited ${code}`)));
    });
    const fn = encodeURIComponent("arn:aws:lambda:us-east-1:123456789012:function:pre_signup_auto_confirm");
    const r = await post(`${url}/2015-03-31/functions/${fn}/invocations`, cognitoEvent("PreSignUp_SignUp", { userAttributes: { email: "a@example.com", "custom:domain": "example.com" } }));
    assert.equal(r.body.response.autoConfirmUser, true);
    const recorded = (await post(`${url}/_host/invocations`, undefined, {}, "GET")).body;
    assert.deepEqual(recorded.map((i) => i.functionName), ["pre_signup_auto_confirm"]);
    assert.equal((await post(`${url}/_host/invocations`, "", {}, "DELETE")).status, 204);
    assert.deepEqual((await post(`${url}/_host/invocations`, undefined, {}, "GET")).body, []);
  } finally {
    child.kill();
  }
});
