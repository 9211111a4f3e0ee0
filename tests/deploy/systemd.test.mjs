// The systemd unit (deploy/systemd/admit.service), its user (admit.sysusers.conf) and its
// environment file (admit.env): `systemd-analyze verify` with ExecStart pointed at the built
// binary, `systemd-analyze security` (offline) for the hardening it promises, systemd-sysusers
// making the user in a scratch root, and the environment file read by the binary itself, which
// starts with it and stops cleanly on SIGTERM within the unit's stop timeout.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { admitBin, waitExit } from '../api/harness.mjs';
import { freePort, findBinary, startDaemon, waitFor } from './support.mjs';

const DIR = resolve(import.meta.dirname, '../../deploy/systemd');
const analyze = findBinary('/usr/bin/systemd-analyze', '/bin/systemd-analyze');
const sysusers = findBinary('/usr/bin/systemd-sysusers', '/bin/systemd-sysusers');

/** The unit's `Key=` values, in order. */
function values(unit, key) {
  return [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
}

describe('the systemd unit', { skip: !analyze && 'systemd-analyze is not installed' }, () => {
  let dir;
  let unit;
  let unitPath;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'admit-systemd-'));
    unit = await readFile(join(DIR, 'admit.service'), 'utf8');
    const [execStart] = values(unit, 'ExecStart');
    assert.match(execStart, /^\/usr\/local\/bin\/admit serve$/);
    // The only change for the check: ExecStart names the binary just built.
    unitPath = join(dir, 'admit.service');
    await writeFile(unitPath, unit.replace(/^ExecStart=\S+/m, `ExecStart=${admitBin()}`));
  });
  after(async () => { if (dir) await rm(dir, { recursive: true, force: true }); });

  it('systemd-analyze verify finds nothing to say', () => {
    const r = spawnSync(analyze, ['verify', unitPath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), '', 'no warning either (an unknown value is only a warning)');
  });

  it('runs as its own user, NoNewPrivileges, ProtectSystem=strict, state under StateDirectory (systemd-analyze security)', () => {
    const r = spawnSync(analyze, ['security', '--offline=yes', '--no-pager', unitPath], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    for (const check of ['User=/DynamicUser=', 'NoNewPrivileges=', 'ProtectSystem=', 'ProtectHome=', 'PrivateTmp=',
      'CapabilityBoundingSet=~CAP_SYS_ADMIN', 'RestrictSUIDSGID=']) {
      const line = r.stdout.split('\n').find((l) => l.includes(` ${check} `) || l.startsWith(`✓ ${check}`) || l.startsWith(`✗ ${check}`));
      assert.ok(line?.startsWith('✓'), `${check}: ${line}`);
    }
    assert.match(r.stdout, /Service has strict read-only access to the OS file hierarchy/);
    const exposure = Number(/Overall exposure level for admit\.service: ([\d.]+)/.exec(r.stdout)?.[1]);
    assert.ok(exposure <= 2, `exposure ${exposure} (0 = fully sandboxed, 10 = none)`);
    assert.deepEqual(values(unit, 'User'), ['admit']);
    assert.deepEqual(values(unit, 'StateDirectory'), ['admit']);
    assert.match(values(unit, 'Environment').join(' '), /ADMIT_DATA_DIR=\/var\/lib\/admit\b/);
    assert.deepEqual(values(unit, 'EnvironmentFile'), ['/etc/admit/admit.env']);
  });

  it('stops with SIGTERM and waits longer than admit drains (30 s)', () => {
    assert.deepEqual(values(unit, 'KillSignal'), ['SIGTERM']);
    assert.ok(Number(values(unit, 'TimeoutStopSec')[0]) > 30);
  });

  it('systemd-sysusers makes the admit user, without a login shell, home in the state directory', { skip: !sysusers && 'systemd-sysusers is not installed' }, async () => {
    const root = join(dir, 'root');
    await mkdir(join(root, 'etc'), { recursive: true });
    const r = spawnSync(sysusers, [`--root=${root}`, join(DIR, 'admit.sysusers.conf')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const passwd = await readFile(join(root, 'etc/passwd'), 'utf8');
    assert.match(passwd, /^admit:x:\d+:\d+:[^:]*:\/var\/lib\/admit:\/usr\/sbin\/nologin$/m);
    assert.match(await readFile(join(root, 'etc/group'), 'utf8'), /^admit:x:\d+:/m);
  });

  it('admit starts with the example environment file, serves, and exits 0 on SIGTERM', async () => {
    // Every line of admit.env must be a setting admit knows with a valid value: `--config`
    // refuses anything else. The flags move it onto free ports and a scratch data dir.
    const dataDir = join(dir, 'state');
    const metricsPort = await freePort();
    const env = { ...process.env };
    for (const k of Object.keys(env)) if (k.startsWith('ADMIT_')) delete env[k];
    const node = startDaemon(admitBin(), ['serve', '--config', join(DIR, 'admit.env'), '--listen', '127.0.0.1:0',
      '--data-dir', dataDir, '--metrics-listen', `127.0.0.1:${metricsPort}`], { env });
    try {
      const base = await waitFor('the ready line', async () => {
        if (node.proc.exitCode !== null) throw new Error(`admit exited ${node.proc.exitCode}: ${node.output()}`);
        return /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(node.output())?.[1];
      }, { ms: 10_000, everyMs: 50 });
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      assert.match(node.output(), /"publicUrl":"https:\/\/tickets\.example\.com"/);
      assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status, 200);
      node.proc.kill('SIGTERM');
      const exit = await waitExit(node.proc, 45_000);
      assert.deepEqual(exit, { code: 0, signal: null }, node.output());
    } finally {
      await node.stop();
    }
  });
});
