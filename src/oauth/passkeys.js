// The passkey script of the managed login pages, served by cognito-emulator at
// /_emulator/hosted/passkeys.js (pages load no other script and carry no inline one).
//
// A form with id="passkeyForm" holds the options the emulator built, as JSON in a data attribute:
// data-passkey-get (CREDENTIAL_REQUEST_OPTIONS of the WEB_AUTHN challenge) or data-passkey-create
// (the CredentialCreationOptions of a new passkey). Pressing #passkeyButton runs
// navigator.credentials.get / create with them, writes the credential (AuthenticationResponseJSON /
// RegistrationResponseJSON) into the form's hidden `credential` field and submits the form; the emulator
// verifies it. A refusal or a cancelled prompt shows data-error in #passkeyError.
(() => {
  'use strict';
  const form = document.getElementById('passkeyForm');
  const button = document.getElementById('passkeyButton');
  const error = document.getElementById('passkeyError');
  if (!form || !button) return;

  const bytes = (s) => {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  };
  const b64url = (buf) => btoa(String.fromCharCode(...new Uint8Array(buf)))
    .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const descriptors = (list) => (list || []).map((c) => ({ ...c, id: bytes(c.id) }));

  const requestOptions = (o) => ({
    challenge: bytes(o.challenge),
    rpId: o.rpId,
    timeout: o.timeout,
    userVerification: o.userVerification,
    allowCredentials: descriptors(o.allowCredentials),
  });
  const creationOptions = (o) => ({
    ...o,
    challenge: bytes(o.challenge),
    user: { ...o.user, id: bytes(o.user.id) },
    excludeCredentials: descriptors(o.excludeCredentials),
  });

  const toJson = (cred) => {
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
  };

  const fail = () => {
    button.disabled = false;
    if (error) {
      error.textContent = form.dataset.error || 'The passkey could not be used.';
      error.hidden = false;
    }
  };

  button.hidden = false;
  button.addEventListener('click', async () => {
    button.disabled = true;
    if (error) error.hidden = true;
    try {
      let credential;
      if (form.dataset.passkeyGet) {
        const publicKey = requestOptions(JSON.parse(form.dataset.passkeyGet));
        credential = await navigator.credentials.get({ publicKey });
      } else {
        const publicKey = creationOptions(JSON.parse(form.dataset.passkeyCreate));
        credential = await navigator.credentials.create({ publicKey });
      }
      if (!credential) throw new Error('no credential');
      form.elements.credential.value = JSON.stringify(toJson(credential));
      form.submit();
    } catch (e) {
      fail();
    }
  });
})();
