// An SMTP server for black-box tests, built on npm's smtp-server (nobody here wrote it), with
// every received message read by mailparser. It listens on 127.0.0.1 on a free port, offers
// STARTTLS with a certificate from its own throwaway CA (made with the openssl CLI; give
// `peer.caFile` to admit as ADMIT_SMTP_CA_FILE) or speaks TLS from the first byte (smtps),
// takes AUTH PLAIN with `peer.user` / `peer.password`, answers scripted failures, and can be
// stopped and started again on the same port.
//
//   const peer = await startSmtpPeer();
//   env.ADMIT_SMTP_URL = peer.url();  env.ADMIT_SMTP_CA_FILE = peer.caFile;
//   peer.failFirst(2, '451 4.3.0 try later');
//   const [message] = await peer.waitForMessages(1, 10_000);
//   message.parsed.subject, message.parsed.attachments[0].content, message.envelope.rcptTo
//   await peer.stop();
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspectPdf } from '../harness.mjs';

// The peers live under tests/node (npm ci --prefix tests/node), not beside the tests.
const requirePeer = createRequire(new URL('../../node/package.json', import.meta.url));
function peerPackage(name) {
  try {
    return requirePeer(name);
  } catch (e) {
    throw new Error(`${name} is not installed under tests/node (run npm ci --prefix tests/node): ${e.message}`);
  }
}
const { SMTPServer } = peerPackage('smtp-server');
const { simpleParser } = peerPackage('mailparser');

/** A raw message (Buffer or string) as mailparser reads it. */
export function parseMail(raw) {
  return simpleParser(raw);
}

function run(cmd, args, options = {}) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, ...options }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * A throwaway CA and a server certificate it signed for 127.0.0.1 and localhost, made with the
 * openssl CLI in a new temporary directory. Resolves {dir, caFile, key, cert} (key and cert
 * as PEM text); `cleanup()` removes the directory.
 */
export async function makeTestCertificates() {
  const dir = await mkdtemp(join(tmpdir(), 'admit-smtp-tls-'));
  const p = (name) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2',
    '-subj', '/CN=Admit test SMTP CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  await writeFile(p('server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    '',
  ].join('\n'));
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('server.ext')]);
  return {
    dir,
    caFile: p('ca.pem'),
    key: await readFile(p('server.key'), 'utf8'),
    cert: await readFile(p('server.pem'), 'utf8'),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** "451 4.3.0 try later" → an Error smtp-server answers with exactly that line. */
function replyError(reply) {
  const match = /^([245]\d\d)[ -](.*)$/.exec(reply);
  if (!match) throw new Error(`a scripted reply must look like "451 4.3.0 try later", not "${reply}"`);
  const err = new Error(match[2]);
  err.responseCode = Number(match[1]);
  return err;
}

/**
 * Starts the peer. Options:
 *   tls: 'starttls' (default: STARTTLS offered), 'implicit' (smtps), or 'none' (no STARTTLS;
 *        AUTH is still offered in clear, so a client that sends its password anyway is caught)
 *   auth: true (default) requires AUTH PLAIN before MAIL FROM; false takes mail from anyone
 *   user, password: the credentials it accepts (defaults below)
 *   certificates: from makeTestCertificates(), to share one CA among several peers
 *   discard: true accepts every message without keeping or parsing it (for load: only
 *            `peer.accepted` counts them)
 */
export async function startSmtpPeer({ tls = 'starttls', auth = true, user = 'admit-test',
  password = 'p@ss:w/rd %1', certificates, discard = false } = {}) {
  if (!['starttls', 'implicit', 'none'].includes(tls)) throw new Error(`unknown tls mode ${tls}`);
  const ownCertificates = !certificates;
  const certs = certificates ?? await makeTestCertificates();

  const messages = [];
  const authAttempts = [];  // {method, username, password, secure}
  const transactions = [];  // every MAIL FROM: {mailFrom, secure, user}
  const rejected = [];      // {stage, reply}
  let scripts = [];         // {stage, remaining (Infinity for always), reply}
  let waiters = [];
  let accepted = 0;

  function scriptedFailure(stage) {
    const script = scripts.find((s) => s.stage === stage && s.remaining > 0);
    if (!script) return null;
    script.remaining -= 1;
    rejected.push({ stage, reply: script.reply });
    return replyError(script.reply);
  }

  function settleWaiters() {
    waiters = waiters.filter((w) => {
      if (messages.length < w.n) return true;
      clearTimeout(w.timer);
      w.resolve(messages.slice(0, w.n));
      return false;
    });
  }

  const options = {
    secure: tls === 'implicit',
    key: certs.key,
    cert: certs.cert,
    name: 'smtp-peer.test',
    banner: 'Admit test SMTP peer',
    authMethods: ['PLAIN'],
    authOptional: !auth,
    allowInsecureAuth: tls === 'none',
    disabledCommands: tls === 'none' ? ['STARTTLS'] : [],
    size: 50 * 1024 * 1024,
    disableReverseLookup: true,  // the client is 127.0.0.1; a DNS query per connection would only slow it
    closeTimeout: 200,
    socketTimeout: 30_000,
    logger: false,
    onAuth(a, session, callback) {
      authAttempts.push({ method: a.method, username: a.username, password: a.password, secure: session.secure });
      if (a.username === user && a.password === password) return callback(null, { user: a.username });
      return callback(replyError('535 5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(address, session, callback) {
      transactions.push({ mailFrom: address.address, secure: session.secure, user: session.user });
      callback(scriptedFailure('mail'));
    },
    onRcptTo(address, session, callback) {
      callback(scriptedFailure('rcpt'));
    },
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => { if (!discard) chunks.push(chunk); });
      stream.on('error', (err) => callback(err));
      stream.on('end', () => {
        const failure = scriptedFailure('data');
        if (failure) return callback(failure);
        if (discard) {
          accepted += 1;
          return callback(null, '2.0.0 discarded');
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((parsed) => {
          messages.push({
            raw,
            parsed,
            envelope: {
              mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcptTo: session.envelope.rcptTo.map((r) => r.address),
            },
            secure: session.secure,
            user: session.user,
          });
          accepted += 1;
          settleWaiters();
          callback(null, '2.0.0 queued as test');
        }, (err) => callback(err));
      });
    },
  };

  let server = null;
  let port = 0;

  async function listen() {
    server = new SMTPServer(options);
    server.on('error', () => {});  // a client's broken connection is that client's problem
    await new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    port = server.server.address().port;
  }

  await listen();

  const peer = {
    host: '127.0.0.1',
    get port() { return port; },
    caFile: certs.caFile,
    user,
    password,
    /** Messages accepted, in order: {raw (Buffer), parsed (mailparser), envelope, secure, user}. */
    messages,
    /** Every AUTH the server received: {method, username, password, secure}. */
    authAttempts,
    /** Every transaction begun (MAIL FROM): {mailFrom, secure, user}. */
    transactions,
    /** Every scripted refusal sent: {stage, reply}. */
    rejected,
    /** How many messages were accepted (kept or, with `discard`, dropped). */
    get accepted() { return accepted; },

    /** smtp://user:password@127.0.0.1:port (userinfo percent-encoded); smtps:// for an implicit-TLS peer. */
    url({ credentials = true, scheme = tls === 'implicit' ? 'smtps' : 'smtp', host = '127.0.0.1' } = {}) {
      const userinfo = credentials ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}@` : '';
      return `${scheme}://${userinfo}${host}:${port}`;
    },

    /** The next `n` transactions are refused at `stage` (mail, rcpt or data) with `reply`. */
    failFirst(n, reply, { stage = 'data' } = {}) {
      replyError(reply);
      scripts.push({ stage, remaining: n, reply });
    },
    /** Every transaction from now on is refused at `stage` with `reply`. */
    rejectAll(reply, { stage = 'rcpt' } = {}) {
      replyError(reply);
      scripts.push({ stage, remaining: Infinity, reply });
    },
    /** Drops every scripted failure: everything is accepted again. */
    acceptAll() {
      scripts = [];
    },

    /** Resolves the first `n` messages once that many arrived; rejects after `timeoutMs`. */
    waitForMessages(n, timeoutMs = 10_000) {
      if (messages.length >= n) return Promise.resolve(messages.slice(0, n));
      return new Promise((resolve, reject) => {
        const waiter = { n, resolve };
        waiter.timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`the SMTP peer got ${messages.length} of ${n} messages in ${timeoutMs} ms ` +
            `(transactions ${transactions.length}, refused ${rejected.length}, AUTH attempts ${authAttempts.length})`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },

    /** Stops listening and drops open connections (the peer is down). */
    async stop() {
      if (!server) return;
      const s = server;
      server = null;
      await new Promise((resolve) => s.close(resolve));
    },
    /** Listens again on the same port, with the same state and scripts. */
    async restart() {
      if (server) return;
      await listen();
    },
    /** Stops for good and removes its certificates (unless they were given to it). */
    async close() {
      await peer.stop();
      for (const w of waiters) clearTimeout(w.timer);
      waiters = [];
      if (ownCertificates) await certs.cleanup();
    },
  };
  return peer;
}

/** The text zbarimg reads from the QR code on the first page of a PDF (e.g. a ticket attachment). */
export async function qrOfPdf(pdf) {
  return (await inspectPdf(Buffer.isBuffer(pdf) ? pdf : Buffer.from(pdf))).qr;
}

function unescapeText(value) {
  return value.replace(/\\([\\;,nN])/g, (_, c) => (c === 'n' || c === 'N' ? '\n' : c));
}

/**
 * A small iCalendar (RFC 5545) reader for the tests: unfolds lines, splits components and reads
 * properties as {name, params, value}, TEXT values unescaped. Resolves
 * {lines, calendar: {NAME: value}, events: [{NAME: value, ...}]} where a value is a string
 * (the first of a repeated property); `lines` are the unfolded content lines, raw.
 * Throws on a bare LF, an unbalanced BEGIN/END or a physical line over 75 octets.
 */
export function parseIcs(text) {
  const source = Buffer.isBuffer(text) ? text.toString('utf8') : text;
  if (/[^\r]\n/.test(source)) throw new Error('an iCalendar line ends in a bare LF, not CRLF');
  const physical = source.split('\r\n');
  if (physical.at(-1) === '') physical.pop();
  for (const line of physical) {
    if (Buffer.byteLength(line, 'utf8') > 75) throw new Error(`a line longer than 75 octets: ${line}`);
  }
  const lines = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length) lines[lines.length - 1] += line.slice(1);
    else lines.push(line);
  }
  const calendar = {};
  const events = [];
  const stack = [];
  let current = null;
  const textProperties = new Set(['SUMMARY', 'LOCATION', 'DESCRIPTION', 'COMMENT', 'CATEGORIES']);
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`not a content line: ${line}`);
    const [name, ...paramParts] = line.slice(0, colon).split(';');
    const raw = line.slice(colon + 1);
    const upper = name.toUpperCase();
    if (upper === 'BEGIN') {
      stack.push(raw);
      if (raw === 'VEVENT') current = {};
      continue;
    }
    if (upper === 'END') {
      if (stack.pop() !== raw) throw new Error(`END:${raw} without its BEGIN`);
      if (raw === 'VEVENT') { events.push(current); current = null; }
      continue;
    }
    const value = textProperties.has(upper) ? unescapeText(raw) : raw;
    const target = current ?? calendar;
    if (!(upper in target)) target[upper] = value;
    if (paramParts.length) target[`${upper};params`] = paramParts.join(';');
  }
  if (stack.length) throw new Error(`BEGIN:${stack.at(-1)} without its END`);
  return { lines, calendar, events };
}

// Run on its own, the peer serves until it is stopped, for load tests and manual checks:
//   node tests/api/support/smtp_peer.mjs [--discard] [--tls starttls|implicit|none] [--no-auth]
// prints one JSON line {url, caFile, port} (give url to ADMIT_SMTP_URL, caFile to
// ADMIT_SMTP_CA_FILE), and on SIGTERM or SIGINT prints {accepted} and exits.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const tlsAt = args.indexOf('--tls');
  const peer = await startSmtpPeer({
    discard: args.includes('--discard'),
    auth: !args.includes('--no-auth'),
    tls: tlsAt >= 0 ? args[tlsAt + 1] : 'starttls',
  });
  process.stdout.write(`${JSON.stringify({ url: peer.url({ credentials: !args.includes('--no-auth') }),
    caFile: peer.caFile, port: peer.port })}\n`);
  const finish = async () => {
    const accepted = peer.accepted;
    await peer.close();
    process.stdout.write(`${JSON.stringify({ accepted })}\n`);
    process.exit(0);
  };
  process.once('SIGTERM', finish);
  process.once('SIGINT', finish);
}
