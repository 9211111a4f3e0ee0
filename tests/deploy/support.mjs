// Helpers of the deployment tests: free loopback ports, daemons started and stopped by PID,
// polling, and finding Debian's binaries.
import net from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { waitExit } from '../api/harness.mjs';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A TCP port free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

/** The first of `paths` that exists, or null. */
export function findBinary(...paths) {
  return paths.find((p) => existsSync(p)) ?? null;
}

/** Calls `probe` every `everyMs` until it returns a truthy value (returned) or `ms` pass (throws). */
export async function waitFor(what, probe, { ms = 30_000, everyMs = 250 } = {}) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (e) { last = e; }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms${last ? ` (${last.message})` : ''}`);
    await sleep(everyMs);
  }
}

/**
 * Starts a daemon in the foreground (its output kept for error messages); `stop()` sends
 * `signal` to its PID, then SIGKILL after 10 s.
 */
export function startDaemon(bin, args, { signal = 'SIGTERM', env = process.env } = {}) {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const keep = (d) => { output += d; if (output.length > 2e5) output = output.slice(-1e5); };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  return {
    proc,
    output: () => output,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      if (!await waitExit(proc, 10_000)) { proc.kill('SIGKILL'); await waitExit(proc, 5000); }
    },
  };
}
