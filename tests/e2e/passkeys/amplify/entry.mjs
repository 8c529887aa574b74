// The Amplify v6 page of the passkey suite, bundled by esbuild at test time: the auth APIs an app uses
// for passkeys, exposed to the test on window.amplify.
import { Amplify } from 'aws-amplify';
import {
  associateWebAuthnCredential, confirmSignIn, deleteWebAuthnCredential, fetchAuthSession,
  listWebAuthnCredentials, signIn, signOut,
} from 'aws-amplify/auth';

window.amplify = {
  Amplify, associateWebAuthnCredential, confirmSignIn, deleteWebAuthnCredential, fetchAuthSession,
  listWebAuthnCredentials, signIn, signOut,
};
