#!/usr/bin/env bash
# Starts serverless-offline, invokes each function through the Lambda Invoke API with curl, stops it.
# Needs `npm ci` first. Prints each answer's status line, Lambda headers and body.
set -euo pipefail
cd "$(dirname "$0")"
export SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
node_modules/.bin/serverless offline start >offline.log 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
t0=$(date +%s%N)
for _ in $(seq 1 150); do
    curl -s -o /dev/null http://127.0.0.1:3002/ && break
    sleep 0.2
done
echo "listening after $(( ($(date +%s%N) - t0) / 1000000 )) ms"

invoke() { # invoke FUNCTION-NAME-AS-SENT [INVOCATION-TYPE]
    echo "== $1 (${2:-RequestResponse})"
    curl -s -i -w '\n(%{time_total} s)\n' -X POST "http://127.0.0.1:3002/2015-03-31/functions/$1/invocations" \
        -H "X-Amz-Invocation-Type: ${2:-RequestResponse}" -H 'Content-Type: application/json' \
        -d '{"version":"1","triggerSource":"CustomMessage_SignUp","region":"us-east-1","userPoolId":"us-east-1_EXAMPLE","userName":"ada","callerContext":{},"request":{"userAttributes":{"email":"ada@example.com"},"codeParameter":"{####}"},"response":{}}' |
        grep -i -E '^(HTTP/|x-amz|\{|"|\()' || true
}
invoke triggers-dev-preSignUp
invoke triggers-dev-preSignUp           # warm
invoke preSignUp                        # the short name: 404
invoke arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Atriggers-dev-preSignUp   # ARN: 404
invoke arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3ApreSignUpArn           # ARN-named function: 200
invoke triggers-dev-customMessage
invoke triggers-dev-customMessage       # warm
invoke triggers-dev-throws
invoke triggers-dev-throwsPy            # reported only after its 2 s timeout
invoke triggers-dev-preSignUp Event
