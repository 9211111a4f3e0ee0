// A real OpenID provider for the tests: the npm package `oidc-provider` (a certified
// implementation nobody here wrote), listening on 127.0.0.1 with keys generated here, PKCE
// required, a `cognito:groups` claim in its ID tokens and JWT access tokens (RFC 9068) for one
// resource. People are a map the test edits (moving someone between groups); the login and
// consent screens are replaced by one interaction endpoint that signs in whoever the test names.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const require = createRequire(new URL('../../node/package.json', import.meta.url));

export const RESOURCE = 'https://api.admit.test';

/** Loads oidc-provider and jose from tests/node. */
async function load() {
  const { default: Provider } = await import(require.resolve('oidc-provider'));
  const jose = await import(require.resolve('jose'));
  return { Provider, jose };
}

/** A private JWK for the provider's key set. */
async function privateJwk(jose, alg, kid) {
  const { privateKey } = await jose.generateKeyPair(alg, alg === 'EdDSA' ? { crv: 'Ed25519', extractable: true } : { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg, use: 'sig' };
}

/**
 * Starts the provider. `people`: {login: {email, email_verified, name, groups}}. The client
 * (`clientId`/`clientSecret`) is looked up at each request, so its redirect URI can be set once
 * Admit's port is known (`setRedirectUri`). `idTokenAlg` picks the ID tokens' algorithm.
 */
export async function startProvider({ people, idTokenAlg = 'ES256', defaultLogin } = {}) {
  const options = { defaultLogin };
  const { Provider, jose } = await load();
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const clientId = `admit-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const client = {
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: ['http://127.0.0.1:1/unset'],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: idTokenAlg,
  };
  const keys = [
    await privateJwk(jose, 'RS256', 'rsa-1'),
    await privateJwk(jose, 'ES256', 'ec-1'),
    await privateJwk(jose, 'EdDSA', 'ed-1'),
  ];

  // Everything the provider stores, in memory; the Client model answers from `client` above.
  const storage = new Map();
  class Adapter {
    constructor(name) { this.name = name; }
    key(id) { return `${this.name}:${id}`; }
    async upsert(id, payload) { storage.set(this.key(id), payload); }
    async find(id) {
      if (this.name === 'Client') return id === clientId ? { ...client } : undefined;
      return storage.get(this.key(id));
    }
    async findByUserCode() { return undefined; }
    async findByUid(uid) { for (const v of storage.values()) if (v.uid === uid) return v; return undefined; }
    async consume(id) { const v = storage.get(this.key(id)); if (v) v.consumed = Math.floor(Date.now() / 1000); }
    async destroy(id) { storage.delete(this.key(id)); }
    async revokeByGrantId(grantId) { for (const [k, v] of storage) if (v.grantId === grantId) storage.delete(k); }
  }

  const provider = new Provider(issuer, {
    adapter: Adapter,
    jwks: { keys },
    clients: [],
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'cognito:groups'] },
    scopes: ['openid', 'email', 'profile', 'api'],
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== RESOURCE) throw new Error(`unknown resource ${resource}`);
          return { scope: 'api', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims: (_ctx, token) => {
      const person = people[token.accountId];
      return person ? { 'cognito:groups': person.groups } : undefined;
    },
    findAccount: (_ctx, id) => {
      if (!people[id]) return undefined;
      return {
        accountId: id,
        claims: () => {
          const p = people[id];
          return { sub: id, email: p.email, email_verified: p.email_verified, name: p.name, 'cognito:groups': p.groups };
        },
      };
    },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, IdToken: 300, AccessToken: 600 },
  });
  provider.proxy = false;

  const callback = provider.callback();
  // holdJwks(): the key set's requests wait until released, then answer with extra keys added.
  const jwksHold = { held: null, requests: 0, requested: null };
  server.on('request', async (req, res) => {
    if (req.url.split('?')[0] === '/jwks' && jwksHold.held) {
      jwksHold.requests += 1;
      jwksHold.requested?.();
      const extra = await jwksHold.held;
      const published = keys.map(({ d, p, q, dp, dq, qi, ...pub }) => pub);
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify({ keys: [...published, ...extra] }));
      return;
    }
    if (!req.url.startsWith('/interaction/')) return callback(req, res);
    try {
      // A browser walking the real redirects carries no ?login=: it signs in as the default person.
      const login = new URL(req.url, issuer).searchParams.get('login') ?? options.defaultLogin;
      const details = await provider.interactionDetails(req, res);
      if (login === 'deny') {
        await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the person said no' },
          { mergeWithLastSubmission: false });
        return;
      }
      const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
      grant.addOIDCScope(String(details.params.scope));
      if (details.params.resource) grant.addResourceScope(String(details.params.resource), 'api');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } },
        { mergeWithLastSubmission: false });
    } catch (e) {
      res.statusCode = 500;
      res.end(String(e?.stack ?? e));
    }
  });

  return {
    issuer, clientId, clientSecret, provider, keys,
    setRedirectUri(uri) { client.redirect_uris = [uri]; },
    /** Makes the key set's requests hang until the returned function is called; they then
     *  answer the provider's public keys plus `extraPublicJwks`. */
    holdJwks(extraPublicJwks = []) {
      let release;
      jwksHold.requests = 0;
      jwksHold.held = new Promise((resolve) => { release = () => resolve(extraPublicJwks); });
      return () => release();
    },
    /** Resolves once a key set request arrived while held. */
    jwksRequested() {
      if (jwksHold.requests > 0) return Promise.resolve();
      return new Promise((resolve) => { jwksHold.requested = resolve; });
    },
    jwksRequests() { return jwksHold.requests; },
    /** Whom a browser without ?login= signs in as ('deny' declines). */
    setDefaultLogin(login) { options.defaultLogin = login; },
    async stop() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A cookie jar for one browser: name=value pairs per host, sent back on every request. */
export class Browser {
  constructor() { this.cookies = new Map(); }
  async get(url, headers = {}) {
    const u = new URL(url);
    const jar = this.cookies.get(u.host) ?? new Map();
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: { ...headers, ...(cookie ? { cookie } : {}) } });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    this.cookies.set(u.host, jar);
    const body = await res.text();
    return { status: res.status, location: res.headers.get('location'), headers: res.headers, body };
  }
}

/**
 * Walks a browser from `startUrl` (a URL that redirects to the provider) through the provider's
 * sign-in as `login` until a redirect leaves the provider; returns that redirect's URL.
 */
export async function throughProvider(browser, providerIssuer, startUrl, login) {
  let url = startUrl;
  for (let hops = 0; hops < 10; hops += 1) {
    if (url.startsWith(`${providerIssuer}/interaction/`)) url += `${url.includes('?') ? '&' : '?'}login=${encodeURIComponent(login)}`;
    const r = await browser.get(url);
    if (r.status !== 302 && r.status !== 303) throw new Error(`provider answered ${r.status} at ${url}: ${r.body.slice(0, 500)}`);
    const next = new URL(r.location, url).href;
    if (!next.startsWith(providerIssuer)) return next;
    url = next;
  }
  throw new Error('too many redirects at the provider');
}
