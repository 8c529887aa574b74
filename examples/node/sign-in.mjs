// SRP sign-in with amazon-cognito-identity-js (the library behind Amplify's Auth) against the emulator,
// then token verification with aws-jwt-verify against the emulator's own issuer and JWKS.
//
//   cd examples/node && npm ci && node sign-in.mjs
//
// Environment: COGNITO_ENDPOINT (http://localhost:9229), POOL_ID, CLIENT_ID, COGNITO_USERNAME, COGNITO_PASSWORD.

import cognitoIdentity from 'amazon-cognito-identity-js';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';

const { AuthenticationDetails, CognitoUser, CognitoUserPool } = cognitoIdentity;

const endpoint = process.env.COGNITO_ENDPOINT ?? 'http://localhost:9229';
const poolId = process.env.POOL_ID ?? 'us-east-1_Example01';
const clientId = process.env.CLIENT_ID ?? 'localwebclient000000000001';
const username = process.env.COGNITO_USERNAME ?? 'alice@example.com';
const password = process.env.COGNITO_PASSWORD ?? 'Passw0rd!';

const pool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint });
const user = new CognitoUser({ Username: username, Pool: pool });

const session = await new Promise((resolve, reject) =>
  user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
    onSuccess: resolve,
    onFailure: reject,
  }),
);
console.log('signed in with SRP as', session.getIdToken().payload.email);

// The emulator's tokens name it as issuer (`<endpoint>/<poolId>`). CognitoJwtVerifier insists on AWS's
// issuer URL, so use the generic verifier with Cognito's claim checks, and fetch the JWKS with the
// global fetch (aws-jwt-verify's default fetcher speaks https only).
const fetcher = { fetch: async (uri) => (await fetch(uri)).arrayBuffer() };
const issuer = `${endpoint}/${poolId}`;
const verifier = JwtVerifier.create(
  {
    issuer,
    audience: null,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'id', clientId }),
  },
  { jwksCache: new SimpleJwksCache({ fetcher }) },
);
const payload = await verifier.verify(session.getIdToken().getJwtToken());
console.log('ID token verified by aws-jwt-verify:', payload.email, payload['cognito:groups']);

const refreshed = await new Promise((resolve, reject) =>
  user.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s))),
);
console.log('refreshed, new access token expires at', refreshed.getAccessToken().getExpiration());
console.log('node: OK');
