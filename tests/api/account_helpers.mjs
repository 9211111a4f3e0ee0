// Helpers for the account-control suites: raw SQL against a test server's own database (as an
// operator or an attacker with the database would), the `admit` command line on that database,
// and access tokens signed with the server's own signing key.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { admitBin, psql, importJose, PG_MODE, api } from './harness.mjs';

function run(cmd, args, { env = {}, input } = {}) {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }));
    if (input !== undefined) child.stdin.end(input);
  });
}

/** Runs `sql` on the server's database (sqlite3 or psql); resolves stdout, rejects on failure. */
export async function sql(srv, statement) {
  if (srv.databaseUrl && /^postgres/.test(srv.databaseUrl)) return psql(srv.databaseUrl, statement);
  const r = await run('sqlite3', ['-bail', join(srv.dataDir, 'admit.db')],
    { input: `.timeout 10000\nPRAGMA foreign_keys = ON;\n${statement}\n` });
  if (r.code !== 0) throw new Error(`sqlite3 failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

/** Runs `admit ARGS…` against the server's data dir and database; resolves {code, stdout, stderr}. */
export function admitCli(srv, args) {
  const env = { ADMIT_DATA_DIR: srv.dataDir, ADMIT_LOG_LEVEL: 'warn' };
  if (srv.databaseUrl) env.ADMIT_DATABASE_URL = srv.databaseUrl;
  return run(admitBin(), args, { env });
}

/** The server's Ed25519 signing seed: a file in the data dir on SQLite, a row on PostgreSQL. */
async function signingSeed(srv) {
  if (srv.databaseUrl && /^postgres/.test(srv.databaseUrl)) {
    const hex = (await psql(srv.databaseUrl,
      "SELECT encode(value, 'hex') FROM instance_secrets WHERE name = 'jwt-signing-seed';\n")).trim();
    return Buffer.from(hex, 'hex');
  }
  const file = JSON.parse(await readFile(join(srv.dataDir, 'jwt-signing-key.json'), 'utf8'));
  return Buffer.from(file.seed, 'base64url');
}

/**
 * An access token with `claims` (merged over a valid set), signed with the server's own key,
 * so that only what the claims say can make the server refuse it.
 */
export async function signedToken(srv, claims) {
  const jose = await importJose();
  const seed = await signingSeed(srv);
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const jwks = (await api(srv.baseUrl, 'GET', '/.well-known/jwks.json')).json;
  const now = Math.floor(Date.now() / 1000);
  return new jose.SignJWT({ roles: ['attendee'], ...claims })
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: jwks.keys[0].kid })
    .setIssuer(srv.baseUrl)
    .setAudience('admit')
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 600)
    .sign(key);
}

export { PG_MODE };
