// Admit configured for a real OpenID provider (support/oidc_provider.mjs), and the steps of an
// external sign-in over HTTP that the OIDC tests share: people in the provider's groups, the
// start of a sign-in, the provider's redirect back, and the one-time code traded for a session.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, startServer } from '../harness.mjs';
import { Browser, startProvider, throughProvider } from './oidc_provider.mjs';

/** The provider's groups, as the tests map them to Admit's roles. */
export const ROLE_MAP = 'Organizers=organizer,Attendees=attendee,Admins=admin';

/**
 * Starts the provider, then `admit serve` signing in through it (ROLE_MAP, provider access tokens
 * accepted); `env` adds or overrides settings. `stop()` stops both.
 */
export async function startWithProvider({ env = {} } = {}) {
  const people = {};
  const idp = await startProvider({ people });
  let srv;
  try {
    srv = await startServer({
      env: {
        ADMIT_OIDC_ISSUER: idp.issuer,
        ADMIT_OIDC_CLIENT_ID: idp.clientId,
        ADMIT_OIDC_CLIENT_SECRET: idp.clientSecret,
        ADMIT_OIDC_ROLE_MAP: ROLE_MAP,
        ADMIT_OIDC_ACCEPT_ACCESS_TOKENS: 'true',
        ...env,
      },
    });
  } catch (e) {
    await idp.stop();
    throw e;
  }
  const base = srv.baseUrl;
  idp.setRedirectUri(`${base}/api/auth/oidc/callback`);

  /** A new person at the provider in `groups` (claims in `extra` override): their login. */
  function person(groups, extra = {}) {
    const login = `p-${randomBytes(6).toString('hex')}`;
    people[login] = { email: `${login}@corp.example`, email_verified: true, name: `Person ${login}`, groups, ...extra };
    return login;
  }

  /** Starts a sign-in in a fresh browser; the provider's URL and the browser. */
  async function start(returnTo = '/events') {
    const browser = new Browser();
    const r = await browser.get(`${base}/api/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`);
    assert.equal(r.status, 302, r.body);
    assert.ok(r.location.startsWith(`${idp.issuer}/`), r.location);
    return { browser, providerUrl: r.location };
  }

  /** The whole flow as `login`: the web app's landing URL after the callback. */
  async function callbackLanding(login, returnTo) {
    const { browser, providerUrl } = await start(returnTo);
    const callback = await throughProvider(browser, idp.issuer, providerUrl, login);
    assert.ok(callback.startsWith(`${base}/api/auth/oidc/callback?`), callback);
    const landing = await browser.get(callback);
    assert.equal(landing.status, 302);
    return { landing: landing.location, callback, browser };
  }

  /** Signs in as `login` through the provider: Admit's session from the traded code. */
  async function signIn(login, returnTo = '/events') {
    const { landing } = await callbackLanding(login, returnTo);
    const u = new URL(landing);
    const params = new URLSearchParams(u.hash.slice(1));
    assert.equal(u.pathname, '/auth/callback');
    assert.equal(params.get('error'), null, landing);
    assert.equal(params.get('returnTo'), returnTo);
    const r = await api(base, 'POST', '/api/auth/oidc/exchange', { body: { code: params.get('code') } });
    assert.equal(r.status, 200, r.text);
    return r.json;
  }

  return {
    /** The provider's people by login (a test moves someone between groups here). */
    people,
    idp,
    srv,
    base,
    person,
    start,
    callbackLanding,
    signIn,
    async stop() {
      await srv.stop();
      await idp.stop();
    },
  };
}
