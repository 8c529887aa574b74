// The Amplify page of this example (also the page the browser suite tests): Amplify JS v6 configured for
// the emulator's HTTPS listener, bundled by esbuild. window.__CONFIG__ comes from the serving page.
import { Amplify } from 'aws-amplify';
import { Hub } from 'aws-amplify/utils';
import { fetchAuthSession, getCurrentUser, signInWithRedirect, signOut } from 'aws-amplify/auth';
import 'aws-amplify/auth/enable-oauth-listener';

const cfg = window.__CONFIG__;
window.__events = [];
Hub.listen('auth', ({ payload }) => {
  window.__events.push(payload.event);
  render();
});

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: cfg.userPoolId,
      userPoolClientId: cfg.clientId,
      // The API calls (GetTokensFromRefreshToken, RevokeToken) go to the emulator too.
      userPoolEndpoint: `https://${cfg.domain}`,
      loginWith: {
        oauth: {
          domain: cfg.domain,
          scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
          redirectSignIn: [cfg.redirect],
          redirectSignOut: [cfg.redirect],
          responseType: 'code',
        },
      },
    },
  },
});

async function render() {
  const out = document.getElementById('status');
  try {
    const user = await getCurrentUser();
    out.textContent = `Signed in as ${user.username}`;
  } catch {
    out.textContent = 'Signed out';
  }
}

window.amplifyAuth = { signInWithRedirect, fetchAuthSession, getCurrentUser, signOut };
document.getElementById('signin').addEventListener('click', () => signInWithRedirect());
document.getElementById('signout').addEventListener('click', () => signOut());
render();
