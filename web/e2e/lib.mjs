// Helpers for the end-to-end walks: the admit server, Chromium, a walk's shared setup (pages,
// screenshots, axe, accounts), steps and a fake camera.
import { execFileSync, spawn } from 'node:child_process';
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/// The messages the server wrote to its file mailbox (`<data dir>/mail/*.eml`) addressed to
/// `email`, each as its decoded bodies and the file's time.
function messagesTo(dataDir, email) {
  const mailDir = join(dataDir, 'mail');
  let names = [];
  try {
    names = readdirSync(mailDir).filter((n) => n.endsWith('.eml'));
  } catch {
    // no mailbox yet
  }
  const out = [];
  for (const name of names) {
    const file = join(mailDir, name);
    const raw = readFileSync(file, 'utf8');
    const to = /^To:.*$/im.exec(raw);
    if (!to || !to[0].toLowerCase().includes(email.toLowerCase())) continue;
    out.push({ bodies: decodedBodies(raw), at: statSync(file).mtimeMs });
  }
  return out;
}

/// Waits up to `ms` for `scan` to find something in the messages to `email`; the newest find wins.
async function waitForMail(email, ms, what, scan) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const found = scan().sort((a, b) => b.at - a.at);
    if (found.length) return found[0].value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no message to ${email} with ${what} arrived in ${ms} ms`);
}

/// The newest link to `path` (e.g. '/verify-email') in a message to `email` that the server
/// wrote to its file mailbox, waiting up to `ms` for it to arrive.
/// Parts come quoted-printable or base64 as the composer chose: both are undone here.
export function mailedLink(dataDir, email, path, ms = 15_000) {
  // `?token=…`, as every link of the contract (API.md); a waiting list's tokens hold a dot.
  const pattern = new RegExp(`https?://[^\\s"<>]*${path.replace(/[/]/g, '\\/')}[?#]token=[A-Za-z0-9_.-]+`);
  return waitForMail(email, ms, `a ${path} link`, () =>
    messagesTo(dataDir, email).flatMap((m) =>
      m.bodies
        .map((body) => pattern.exec(body))
        .filter(Boolean)
        .map((link) => ({ value: link[0], at: m.at })),
    ),
  );
}

/// The text of the newest message to `email` whose text matches `pattern` (a RegExp), waiting up
/// to `ms` for it: what the person reads, with line breaks and spaces run together.
export function mailedText(dataDir, email, pattern, ms = 15_000) {
  return waitForMail(email, ms, `text matching ${pattern}`, () =>
    messagesTo(dataDir, email).flatMap((m) =>
      m.bodies
        .map((body) => body.replace(/\s+/g, ' '))
        .filter((text) => pattern.test(text))
        .map((text) => ({ value: text, at: m.at })),
    ),
  );
}

function decodedBodies(raw) {
  // Quoted-printable escapes are bytes of UTF-8 text (the file itself is ASCII then).
  const qp = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
  const bodies = [Buffer.from(qp, 'latin1').toString('utf8')];
  for (const block of raw.split(/\r?\n\r?\n/)) {
    const b = block.replace(/\r?\n/g, '');
    if (b.length > 40 && /^[A-Za-z0-9+/]+=*$/.test(b)) bodies.push(Buffer.from(b, 'base64').toString('utf8'));
  }
  return bodies;
}

const kDesktop = { width: 1280, height: 860 };
const kPhone = { width: 390, height: 844 };

/// Resolves once the page has painted twice: a resized or freshly changed layout has settled.
const painted = (target) =>
  target.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(undefined)))));

/// Everything a walk in Chromium starts with: the binary and Chromium checked, web/dist built if
/// missing (or E2E_BUILD=1), `admit serve` on a fresh data dir serving it, a browser page that
/// records console errors, and the helpers each step uses: `shot` (axe-core's WCAG 2.1 AA rules,
/// a phone's width, screenshots at both widths in `shots`), `go`, `openLink` (a mailed link on
/// this server), `call` (the API as a bearer), `token`, `signup`, `login` and `logout`.
/// `watch` records another page's console errors too; `finalSteps` adds the closing checks on what
/// was gathered; `close` stops it all.
export async function startWalk({ shots, env = {} }) {
  const webDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const bin = resolve(webDir, process.env.ADMIT_BIN ?? '../build/release/src/admit');
  const chromePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  const dist = join(webDir, 'dist');
  const T = Number(process.env.E2E_TIMEOUT_MS ?? 15_000);
  for (const [what, path] of [
    ['admit binary (set ADMIT_BIN)', bin],
    ['Chromium (apt-get install -y chromium)', chromePath],
  ]) {
    if (!existsSync(path)) {
      console.error(`missing ${what}: ${path}`);
      process.exit(2);
    }
  }
  if (!existsSync(join(dist, 'index.html')) || process.env.E2E_BUILD === '1') {
    console.log('building the web app…');
    execFileSync('npm', ['run', 'build'], { cwd: webDir, stdio: 'inherit' });
  }
  rmSync(shots, { recursive: true, force: true });
  mkdirSync(shots, { recursive: true });

  const server = await startAdmit({
    bin,
    webDir: dist,
    env,
    log: process.env.E2E_VERBOSE ? (l) => console.log(`    [admit] ${l}`) : undefined,
  });
  const base = server.url;
  console.log(`admit serving ${dist} at ${base}`);

  const context = await launchChromium({ executablePath: chromePath, viewport: kDesktop });
  const consoleErrors = [];
  const failedLoads = [];
  const watch = (p) => {
    p.on('console', (msg) => {
      if (msg.type() !== 'error') return;
      const text = msg.text();
      // Chromium reports every 4xx/5xx answer as "Failed to load resource"; some are the point of a step.
      if (text.startsWith('Failed to load resource')) failedLoads.push(`${p.url()}: ${text}`);
      else consoleErrors.push(`${p.url()}: ${text}`);
    });
    p.on('pageerror', (err) => consoleErrors.push(`${p.url()}: ${err.message}`));
  };
  context.on('page', watch);
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  page.setDefaultTimeout(T);

  // Accessibility: axe-core's WCAG 2 A/AA rules on each page shot; serious and critical findings fail.
  const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const a11yFindings = [];
  const overflows = [];
  const checkA11y = async (name, target = page) => {
    await target.evaluate(axeSource);
    const violations = await target.evaluate(async () => {
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      }));
    });
    for (const v of violations) a11yFindings.push({ page: name, ...v });
  };
  /// Checks the page (axe, a phone's width) and saves it at both widths.
  const shot = async (name, { full = true, phoneToo = true, target = page, a11y = true } = {}) => {
    if (a11y) await checkA11y(name, target);
    if (full) await target.evaluate(() => window.scrollTo(0, 0));
    await target.evaluate(() => document.fonts.ready.then(() => undefined));
    await painted(target);
    await target.screenshot({ path: join(shots, `${name}-desktop.png`), fullPage: full });
    if (!phoneToo) return;
    await target.setViewportSize(kPhone);
    await target.waitForFunction((w) => window.innerWidth === w, kPhone.width);
    await painted(target);
    const width = await target.evaluate(() => document.documentElement.scrollWidth);
    if (width > kPhone.width) overflows.push(`${name}: ${width}px wide at a ${kPhone.width}px phone width`);
    await target.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: full });
    await target.setViewportSize(kDesktop);
    await target.waitForFunction((w) => window.innerWidth === w, kDesktop.width);
    await painted(target);
  };

  const go = (path) => page.goto(`${base}${path}`);
  /// Opens a mailed link on this server (the mail's origin is ADMIT_PUBLIC_URL's).
  const openLink = (link) => {
    const u = new URL(link);
    return page.goto(base + u.pathname + u.search + u.hash);
  };
  /// The signed-in person's access token in the page, or null.
  const token = () => page.evaluate(() => JSON.parse(localStorage.getItem('admit.session') ?? 'null')?.accessToken ?? null);
  /// A JSON request to the API with `bearer` (an access token), for setting up and for checking
  /// what the pages did.
  const call = async (method, path, body, bearer) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = res.headers.get('content-type') ?? '';
    return { status: res.status, headers: res.headers, body: type.includes('json') ? await res.json() : await res.text() };
  };

  const signup = async (who, role) => {
    await go('/signup');
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    if (role === 'organizer') await page.getByRole('radio', { name: /Organize events/ }).check();
    await page.getByLabel('Your name').fill(who.name);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  };
  const login = async (who) => {
    await go('/login');
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
  };
  /// Logs out if someone is signed in.
  const logout = async () => {
    if ((await page.getByRole('button', { name: 'Log out' }).count()) === 0) return;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('link', { name: 'Log in' }).waitFor();
  };

  /// The closing checks over every page the walk shot and visited.
  const finalSteps = async (step) => {
    await step('no serious accessibility problems (axe-core, WCAG 2.1 AA)', async () => {
      const serious = a11yFindings.filter((f) => f.impact === 'serious' || f.impact === 'critical');
      for (const f of a11yFindings) console.log(`      [${f.impact}] ${f.page}: ${f.id} — ${f.help} (${f.nodes.join(', ')})`);
      assert(serious.length === 0, `${serious.length} serious accessibility findings`);
    });
    await step('every page fits a phone screen without sideways scrolling', async () => {
      assert(overflows.length === 0, overflows.join('\n'));
    });
    await step('no errors in the browser console', async () => {
      assert(consoleErrors.length === 0, `console errors:\n${consoleErrors.join('\n')}`);
    });
  };
  const close = async () => {
    await context.close().catch(() => undefined);
    await server.stop();
    if (!process.env.E2E_KEEP) removeTempDirs();
    if (failedLoads.length && process.env.E2E_VERBOSE) console.log(`expected failed loads:\n  ${failedLoads.join('\n  ')}`);
  };
  return {
    T,
    bin,
    dist,
    chromePath,
    watch,
    base,
    server,
    dataDir: join(server.dir, 'data'),
    context,
    page,
    desktop: kDesktop,
    phone: kPhone,
    shot,
    checkA11y,
    go,
    openLink,
    token,
    call,
    signup,
    login,
    logout,
    finalSteps,
    close,
  };
}

/// The walk's closing line and exit code.
export function report(label, shots, results) {
  console.log(`\nscreenshots: ${shots}`);
  for (const f of results.failures) console.log(`FAILED: ${f.name}`);
  console.log(`${label}: ${results.passed} passed, ${results.failed} failed, ${results.skipped} skipped`);
  process.exit(results.failed ? 1 : 0);
}
