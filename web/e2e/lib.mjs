// Helpers for the end-to-end walk: the admit server, Chromium, steps and a fake camera.
import { spawn } from 'node:child_process';
import { copyFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import QRCode from 'qrcode';

const tempDirs = [];
const tempDir = (prefix) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
};

/// Removes the temporary data and browser profile folders this run made.
export function removeTempDirs() {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const kChromeFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/// Starts `admit serve` on a free port with a fresh data dir; resolves once it prints its ready
/// line. The binary is copied first so a rebuild cannot swap it mid-run.
export async function startAdmit({ bin, webDir, log, env = {} }) {
  const dir = tempDir('admit-e2e-');
  const copy = join(dir, 'admit');
  copyFileSync(bin, copy);
  chmodSync(copy, 0o755);
  const child = spawn(copy, ['serve'], {
    env: {
      ...process.env,
      ADMIT_LISTEN: '127.0.0.1:0',
      ADMIT_DATA_DIR: join(dir, 'data'),
      ADMIT_RATE_LIMIT_AUTH: '0',
      ADMIT_RATE_LIMIT: '0',
      ADMIT_ARGON2_MEMORY_KIB: '1024',
      ADMIT_WEB_DIR: webDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`admit did not get ready in 20 s:\n${lines.join('\n')}`)), 20_000);
    const onData = (buf) => {
      for (const line of buf.toString().split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        log?.(line);
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`admit exited with ${code} before getting ready:\n${lines.join('\n')}`));
    });
  });
  return {
    url,
    dir,
    lines,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timeout);
    },
  };
}

export async function launchChromium({ executablePath, extraArgs = [], viewport = { width: 1280, height: 860 } }) {
  const userDataDir = tempDir('admit-chromium-');
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...kChromeFlags, ...extraArgs],
    viewport,
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'Europe/London',
  });
}

/// A Y4M video (what Chromium's fake camera plays) showing one QR code on white.
export async function qrVideo(text, file) {
  const W = 640;
  const H = 480;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const scale = Math.floor(420 / (n + 8));
  const side = n * scale;
  const x0 = Math.floor((W - side) / 2);
  const y0 = Math.floor((H - side) / 2);
  const y = Buffer.alloc(W * H, 235);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      if (!qr.modules.get(r, c)) continue;
      for (let dy = 0; dy < scale; dy++)
        y.fill(16, (y0 + r * scale + dy) * W + x0 + c * scale, (y0 + r * scale + dy) * W + x0 + (c + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((W / 2) * (H / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const frames = Array.from({ length: 10 }, () => frame);
  writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
  return file;
}

/// Runs named steps, prints each, and keeps the tally for the closing line.
export function createRunner() {
  const results = { passed: 0, failed: 0, skipped: 0, failures: [] };
  class Skip extends Error {}
  async function step(name, fn) {
    const started = Date.now();
    try {
      await fn();
      results.passed++;
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
      return true;
    } catch (e) {
      if (e instanceof Skip) {
        results.skipped++;
        console.log(`  - ${name}: skipped — ${e.message}`);
        return false;
      }
      results.failed++;
      results.failures.push({ name, error: e });
      console.log(
        `  ✗ ${name}\n      ${String(e?.stack ?? e)
          .split('\n')
          .slice(0, 6)
          .join('\n      ')}`,
      );
      return false;
    }
  }
  const skip = (why) => {
    throw new Skip(why);
  };
  return { step, skip, results };
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/// The newest link to `path` (e.g. '/verify-email') in a message to `email` that the server
/// wrote to its file mailbox (`<data dir>/mail/*.eml`), waiting up to `ms` for it to arrive.
/// Parts come quoted-printable or base64 as the composer chose: both are undone here.
export async function mailedLink(dataDir, email, path, ms = 15_000) {
  const mailDir = join(dataDir, 'mail');
  // `?token=…`, as every link of the contract (API.md); a waiting list's tokens hold a dot.
  const pattern = new RegExp(`https?://[^\\s"<>]*${path.replace(/[/]/g, '\\/')}[?#]token=[A-Za-z0-9_.-]+`);
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let names = [];
    try {
      names = readdirSync(mailDir).filter((n) => n.endsWith('.eml'));
    } catch {
      // no mailbox yet
    }
    const found = [];
    for (const name of names) {
      const file = join(mailDir, name);
      const raw = readFileSync(file, 'utf8');
      const to = /^To:.*$/im.exec(raw);
      if (!to || !to[0].toLowerCase().includes(email.toLowerCase())) continue;
      for (const body of decodedBodies(raw)) {
        const link = pattern.exec(body);
        if (link) found.push({ link: link[0], at: statSync(file).mtimeMs });
      }
    }
    if (found.length) return found.sort((a, b) => b.at - a.at)[0].link;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message to ${email} with a ${path} link arrived in ${ms} ms`);
}

function decodedBodies(raw) {
  const bodies = [raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)))];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const b = block.replace(/\r?\n/g, '');
    if (b.length > 40 && /^[A-Za-z0-9+/]+=*$/.test(b)) bodies.push(Buffer.from(b, 'base64').toString('utf8'));
  }
  return bodies;
}
