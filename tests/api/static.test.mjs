// The built web app served by admit itself: caching, compression, SPA fallback, no traversal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { startServer } from './harness.mjs';

/** A raw GET that keeps the path exactly as written (fetch would normalise "..").  */
function rawGet(base, path, headers = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    http.get({ hostname, port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

describe('static web app', () => {
  let dir;
  let server;
  const index = '<!doctype html><title>Admit</title><div id="root"></div>';
  const script = 'console.log("admit");'.repeat(50);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admit-web-'));
    await mkdir(join(dir, 'dist', 'assets'), { recursive: true });
    await writeFile(join(dir, 'dist', 'index.html'), index);
    await writeFile(join(dir, 'dist', 'assets', 'app-3f9a.js'), script);
    await writeFile(join(dir, 'dist', 'assets', 'app-3f9a.js.gz'), gzipSync(script));
    await writeFile(join(dir, 'secret.txt'), 'outside the web folder');
    server = await startServer({ env: { ADMIT_WEB_DIR: join(dir, 'dist') } });
  });

  after(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache', async () => {
    const res = await rawGet(server.baseUrl, '/');
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.equal(res.body.toString(), index);
  });

  it('serves hashed assets for a year, gzip when accepted, 304 on a matching ETag', async () => {
    const plain = await rawGet(server.baseUrl, '/assets/app-3f9a.js');
    assert.equal(plain.status, 200);
    assert.match(plain.headers['content-type'], /^text\/javascript/);
    assert.match(plain.headers['cache-control'], /max-age=31536000/);
    assert.equal(plain.body.toString(), script);
    const zipped = await rawGet(server.baseUrl, '/assets/app-3f9a.js', { 'accept-encoding': 'gzip' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.ok(zipped.body.length < script.length);
    const again = await rawGet(server.baseUrl, '/assets/app-3f9a.js', { 'if-none-match': plain.headers.etag });
    assert.equal(again.status, 304);
  });

  it('answers deep links with the app and missing assets with 404', async () => {
    const deep = await rawGet(server.baseUrl, '/events/abc/checkout');
    assert.equal(deep.status, 200);
    assert.equal(deep.body.toString(), index);
    const missing = await rawGet(server.baseUrl, '/assets/gone-1234.js');
    assert.equal(missing.status, 404);
  });

  it('never serves a file outside the web folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/../../secret.txt', '/..%2fsecret.txt']) {
      const res = await rawGet(server.baseUrl, path);
      assert.ok(!res.body.toString().includes('outside the web folder'), `${path} leaked the file`);
    }
  });

  it('keeps the API out of the fallback', async () => {
    const res = await rawGet(server.baseUrl, '/api/nothing-here');
    assert.equal(res.status, 404);
    assert.match(res.headers['content-type'], /problem\+json/);
  });
});
