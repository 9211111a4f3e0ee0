// Native TLS (with HSTS) and graceful shutdown with a request in flight.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import https from 'node:https';
import { startServer, api, waitExit, PASSWORD } from './harness.mjs';

/** GET over HTTPS trusting only `ca`; resolves {status, headers, body}. */
function httpsGet(url, ca) {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    }).on('error', reject);
  });
}

describe('native TLS', () => {
  let dir;
  let server;
  let cert;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admit-tls-'));
    // A self-signed P-256 certificate for 127.0.0.1, made by the openssl command line tool.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = await readFile(join(dir, 'cert.pem'));
    server = await startServer({ env: { ADMIT_TLS_CERT: join(dir, 'cert.pem'), ADMIT_TLS_KEY: join(dir, 'key.pem') } });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with a verified certificate and sends HSTS', async () => {
    assert.match(server.baseUrl, /^https:/);
    const res = await httpsGet(`${server.baseUrl}/healthz`, cert);
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { status: 'ok' });
    assert.match(res.headers['strict-transport-security'] ?? '', /max-age=\d+/);
  });

  it('refuses plain HTTP on the TLS port', async () => {
    const plain = server.baseUrl.replace('https:', 'http:');
    await assert.rejects(fetch(`${plain}/healthz`));
  });
});

/**
 * Resolves once the server counts a request in flight besides the scrape asking; rejects if
 * `pending` settles first. A fixed pause could send the signal before a busy machine has even
 * read the request.
 */
async function untilInFlight(baseUrl, pending) {
  let settled = false;
  pending.then(() => { settled = true; }, () => { settled = true; });
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    assert.ok(!settled, 'the request was answered before it could be seen in flight');
    const metrics = await api(baseUrl, 'GET', '/metrics');
    const match = /^admit_http_requests_in_flight (\d+)$/m.exec(metrics.text);
    assert.ok(match, 'the in-flight gauge is exported');
    if (Number(match[1]) >= 2) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  assert.fail('the request was never seen in flight');
}

describe('graceful shutdown', () => {
  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    // A generous Argon2 memory setting makes sign-up take long enough to be in flight.
    const s = await startServer({ env: { ADMIT_ARGON2_MEMORY_KIB: String(256 * 1024) } });
    try {
      const pending = api(s.baseUrl, 'POST', '/api/auth/signup', {
        body: { email: `inflight-${Date.now()}@example.com`, password: PASSWORD, name: 'In Flight' },
      });
      await untilInFlight(s.baseUrl, pending);
      s.proc.kill('SIGTERM');
      const res = await pending;
      assert.equal(res.status, 201, res.text);
      const exit = await waitExit(s.proc, 10_000);
      assert.ok(exit, 'exited within 10 s');
      assert.equal(exit.code, 0);
      // The acknowledged account is durable: a new server on the same data dir knows it.
      await s.stop({ keepDataDir: true });
      const again = await startServer({ env: { ADMIT_DATA_DIR: s.dataDir } });
      try {
        const login = await api(again.baseUrl, 'POST', '/api/auth/login', {
          body: { email: JSON.parse(res.text).user.email, password: PASSWORD },
        });
        assert.equal(login.status, 200, login.text);
      } finally {
        await again.stop();
      }
    } finally {
      await s.stop();
    }
  });
});
