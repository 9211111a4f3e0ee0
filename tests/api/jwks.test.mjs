// Access tokens checked by a verifier nobody here wrote: the `jose` npm library.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, signup, importJose, assertProblem } from './harness.mjs';

let srv;
let base;
let jose;
let acct;

before(async () => {
  jose = await importJose();
  srv = await startServer();
  base = srv.baseUrl;
  acct = await signup(base, 'organizer');
});

after(async () => {
  await srv?.stop();
});

const b64 = (obj) => Buffer.from(JSON.stringify(obj)).toString('base64url');

describe('JWKS and access tokens', () => {
  it('publishes a JWK Set of Ed25519 public keys only', async () => {
    const r = await api(base, 'GET', '/.well-known/jwks.json');
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('content-type') || '', /json/);
    assert.ok(Array.isArray(r.json.keys) && r.json.keys.length >= 1, r.text);
    for (const k of r.json.keys) {
      assert.equal(k.kty, 'OKP');
      assert.equal(k.crv, 'Ed25519');
      assert.equal(typeof k.x, 'string');
      assert.equal(Buffer.from(k.x, 'base64url').length, 32);
      assert.equal(typeof k.kid, 'string');
      assert.equal(k.d, undefined, 'the private key must never be published');
      if (k.alg !== undefined) assert.equal(k.alg, 'EdDSA');
      if (k.use !== undefined) assert.equal(k.use, 'sig');
    }
  });

  it('jose verifies an access token against the remote JWKS', async () => {
    const header = jose.decodeProtectedHeader(acct.accessToken);
    assert.equal(header.alg, 'EdDSA');
    assert.equal(typeof header.kid, 'string');
    assert.ok(header.kid.length > 0);

    const claims = jose.decodeJwt(acct.accessToken);
    assert.equal(claims.iss, base, 'iss is the server\'s public URL base');
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    assert.ok(aud.includes('admit'), `aud: ${JSON.stringify(claims.aud)}`);

    const JWKS = jose.createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jose.jwtVerify(acct.accessToken, JWKS, {
      issuer: claims.iss,
      audience: 'admit',
      algorithms: ['EdDSA'],
    });
    assert.equal(protectedHeader.kid, header.kid);
    assert.equal(payload.sub, acct.user.userId);
    assert.ok(Array.isArray(payload.roles), `roles claim: ${JSON.stringify(payload.roles)}`);
    assert.ok(payload.roles.includes('organizer'));
    assert.equal(typeof payload.iat, 'number');
    assert.equal(typeof payload.exp, 'number');
    assert.equal(payload.exp - payload.iat, 900);
    assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 120, 'iat is now');
    assert.equal(typeof payload.jti, 'string');
    assert.ok(payload.jti.length > 0);

    const r = await api(base, 'GET', '/.well-known/jwks.json');
    assert.ok(r.json.keys.some((k) => k.kid === header.kid), 'the token\'s kid is in the JWKS');
  });

  it('every token gets its own jti', async () => {
    const login = await api(base, 'POST', '/api/auth/login', { body: { email: acct.email, password: acct.password } });
    assert.equal(login.status, 200);
    assert.notEqual(jose.decodeJwt(login.json.accessToken).jti, jose.decodeJwt(acct.accessToken).jti);
  });

  it('rejects a token signed by a foreign Ed25519 key with the same kid (401)', async () => {
    const header = jose.decodeProtectedHeader(acct.accessToken);
    const claims = jose.decodeJwt(acct.accessToken);
    const { privateKey } = await jose.generateKeyPair('EdDSA', { crv: 'Ed25519' });
    const forged = await new jose.SignJWT({ ...claims, roles: ['admin', 'organizer'] })
      .setProtectedHeader({ alg: 'EdDSA', kid: header.kid, typ: header.typ ?? 'JWT' })
      .sign(privateKey);
    assertProblem(await api(base, 'GET', '/api/me', { token: forged }), 401, 'foreign key, same kid');
    // Same claims, same kid, foreign key: still a forgery.
    const forged2 = await new jose.SignJWT({ ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: header.kid })
      .sign(privateKey);
    assertProblem(await api(base, 'GET', '/api/me', { token: forged2 }), 401, 'foreign key, identical claims');
  });

  it('rejects alg "none" (401)', async () => {
    const header = jose.decodeProtectedHeader(acct.accessToken);
    const claims = jose.decodeJwt(acct.accessToken);
    const sig = acct.accessToken.split('.')[2];
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT', kid: header.kid })}.${b64(claims)}.`;
      assertProblem(await api(base, 'GET', '/api/me', { token: unsigned }), 401, `alg ${alg}`);
    }
    const withSig = `${b64({ alg: 'none', typ: 'JWT', kid: header.kid })}.${b64(claims)}.${sig}`;
    assertProblem(await api(base, 'GET', '/api/me', { token: withSig }), 401, 'alg none with a signature');
  });

  it('rejects HS256 signed with the public key (algorithm confusion) (401)', async () => {
    const header = jose.decodeProtectedHeader(acct.accessToken);
    const claims = jose.decodeJwt(acct.accessToken);
    const jwks = (await api(base, 'GET', '/.well-known/jwks.json')).json;
    const key = jwks.keys.find((k) => k.kid === header.kid);
    const secrets = [Buffer.from(key.x, 'base64url'), Buffer.from(key.x), Buffer.from(JSON.stringify(key))];
    for (const secret of secrets) {
      const token = await new jose.SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256', kid: header.kid })
        .sign(new Uint8Array(secret));
      assertProblem(await api(base, 'GET', '/api/me', { token }), 401, 'HS256 with the public key');
    }
  });

  it('rejects a token whose kid is unknown (401)', async () => {
    const [, p, s] = acct.accessToken.split('.');
    const header = jose.decodeProtectedHeader(acct.accessToken);
    const token = `${b64({ ...header, kid: 'unknown-kid' })}.${p}.${s}`;
    assertProblem(await api(base, 'GET', '/api/me', { token }), 401, 'unknown kid');
  });

  it('the verified token is accepted by the server', async () => {
    const r = await api(base, 'GET', '/api/me', { token: acct.accessToken });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.userId, jose.decodeJwt(acct.accessToken).sub);
  });
});
