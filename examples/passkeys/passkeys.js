// Passkeys against cognito-emulator (or Amazon Cognito) from a plain web page: the user pools API over
// fetch, and the browser's own WebAuthn (navigator.credentials.create / get). No library, no build step.
//
//   const demo = passkeyDemo({ endpoint: 'http://localhost:9229', clientId: '...' });
//   const tokens = await demo.signInWithPassword('ana', 'Passw0rd!');
//   await demo.register(tokens.AccessToken);          // StartWebAuthnRegistration + CompleteWebAuthnRegistration
//   const again = await demo.signInWithPasskey('ana'); // USER_AUTH with PREFERRED_CHALLENGE=WEB_AUTHN

const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64url = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

/** A credential as JSON (RegistrationResponseJSON / AuthenticationResponseJSON, WebAuthn Level 3). */
export function credentialToJson(cred) {
  const r = cred.response;
  const response = { clientDataJSON: b64url(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = b64url(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = b64url(r.authenticatorData);
    response.signature = b64url(r.signature);
    if (r.userHandle) response.userHandle = b64url(r.userHandle);
  }
  return {
    id: cred.id,
    rawId: b64url(cred.rawId),
    type: cred.type,
    response,
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
  };
}

/** The options of StartWebAuthnRegistration as navigator.credentials.create wants them. */
export function creationOptions(o) {
  return {
    ...o,
    challenge: unb64url(o.challenge),
    user: { ...o.user, id: unb64url(o.user.id) },
    excludeCredentials: (o.excludeCredentials || []).map((c) => ({ ...c, id: unb64url(c.id) })),
  };
}

/** CREDENTIAL_REQUEST_OPTIONS as navigator.credentials.get wants them. */
export function requestOptions(o) {
  return {
    challenge: unb64url(o.challenge),
    rpId: o.rpId,
    timeout: o.timeout,
    userVerification: o.userVerification,
    allowCredentials: (o.allowCredentials || []).map((c) => ({ ...c, id: unb64url(c.id) })),
  };
}

export function passkeyDemo({ endpoint, clientId }) {
  async function call(operation, body) {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });
    const out = await res.json().catch(() => ({}));
    if (!res.ok) {
      const err = new Error(`${operation}: ${out.__type}: ${out.message}`);
      err.type = out.__type;
      throw err;
    }
    return out;
  }

  return {
    call,

    async signInWithPassword(username, password) {
      const out = await call('InitiateAuth', {
        AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId,
        AuthParameters: { USERNAME: username, PASSWORD: password },
      });
      return out.AuthenticationResult;
    },

    /** Registers a new passkey of the signed-in user. `tweak` may change the options first. */
    async register(accessToken, tweak = (o) => o) {
      const { CredentialCreationOptions: options } = await call('StartWebAuthnRegistration', { AccessToken: accessToken });
      const cred = await navigator.credentials.create({ publicKey: tweak(creationOptions(options)) });
      await call('CompleteWebAuthnRegistration', { AccessToken: accessToken, Credential: credentialToJson(cred) });
      return cred.id;
    },

    /** Starts USER_AUTH asking for a passkey: the Session and the request options. */
    async passkeyChallenge(username) {
      const out = await call('InitiateAuth', {
        AuthFlow: 'USER_AUTH', ClientId: clientId,
        AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: 'WEB_AUTHN' },
      });
      if (out.ChallengeName !== 'WEB_AUTHN') throw new Error(`no passkey challenge: ${JSON.stringify(out)}`);
      return { session: out.Session, options: JSON.parse(out.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS) };
    },

    /** The browser's assertion for a challenge, as the JSON RespondToAuthChallenge takes. */
    async assertion(options, tweak = (o) => o) {
      const cred = await navigator.credentials.get({ publicKey: tweak(requestOptions(options)) });
      return credentialToJson(cred);
    },

    async answer(username, session, credentialJson) {
      const out = await call('RespondToAuthChallenge', {
        ChallengeName: 'WEB_AUTHN', ClientId: clientId, Session: session,
        ChallengeResponses: { USERNAME: username, CREDENTIAL: JSON.stringify(credentialJson) },
      });
      return out.AuthenticationResult;
    },

    /** Signs in with a passkey: USER_AUTH, navigator.credentials.get, RespondToAuthChallenge. */
    async signInWithPasskey(username) {
      const { session, options } = await this.passkeyChallenge(username);
      return this.answer(username, session, await this.assertion(options));
    },

    async list(accessToken) {
      return (await call('ListWebAuthnCredentials', { AccessToken: accessToken })).Credentials;
    },

    async remove(accessToken, credentialId) {
      await call('DeleteWebAuthnCredential', { AccessToken: accessToken, CredentialId: credentialId });
    },
  };
}
