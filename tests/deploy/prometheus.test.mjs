// The alerting rules (deploy/prometheus/admit-rules.yml) with Debian's Prometheus: promtool
// checks them and the example configuration, runs their unit tests (admit-rules.test.yml: series
// that make each alert fire and stay quiet), and a real Prometheus (127.0.0.1, a free port, its
// own temp dir, stopped by PID) scrapes a running admit, loads the rules, finds every metric
// they read among what admit exports, and raises AdmitInstanceDown once admit is gone; with a
// node on its own PostgreSQL, AdmitDatabaseDown while PostgreSQL is stopped.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, api } from '../api/harness.mjs';
import { freePort, findBinary, waitFor, startDaemon } from './support.mjs';

const RULES_DIR = resolve(import.meta.dirname, '../../deploy/prometheus');
const RULES = join(RULES_DIR, 'admit-rules.yml');
const promtool = findBinary('/usr/bin/promtool');
const prometheusBin = findBinary('/usr/bin/prometheus');
const missing = (!promtool || !prometheusBin) && 'Debian\'s prometheus is not installed (bash scripts/install-deps.sh)';

function run(bin, args, cwd = RULES_DIR) {
  try {
    return { code: 0, out: execFileSync(bin, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
  } catch (e) {
    return { code: e.status, out: `${e.stdout}${e.stderr}` };
  }
}

/** The metric names the rules' expressions read. */
async function metricsTheRulesRead() {
  const exprs = (await readFile(RULES, 'utf8')).split('\n').filter((l) => !l.trim().startsWith('#')).join('\n');
  return [...new Set([...exprs.matchAll(/\b(up|admit_[a-z_]+)\{/g)].map((m) => m[1]))].sort();
}

describe('alert rules under promtool', { skip: missing }, () => {
  it('promtool check rules: the rules and their templates are valid', () => {
    const r = run(promtool, ['check', 'rules', 'admit-rules.yml']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS: 13 rules found/);
  });

  it('promtool check config: the example configuration loads the rules', () => {
    const r = run(promtool, ['check', 'config', 'prometheus.yml']);
    assert.equal(r.code, 0, r.out);
  });

  it('promtool test rules: each alert fires on its series and stays quiet on the others', () => {
    const r = run(promtool, ['test', 'rules', 'admit-rules.test.yml']);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it('every alert has a unit test and a runbook line in the README', async () => {
    const rules = await readFile(RULES, 'utf8');
    const tests = await readFile(join(RULES_DIR, 'admit-rules.test.yml'), 'utf8');
    const readme = await readFile(resolve(RULES_DIR, '../../README.md'), 'utf8');
    const monitoring = readme.slice(readme.indexOf('\n## Monitoring'));
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    assert.equal(alerts.length, 13);
    for (const alert of alerts) {
      assert.match(tests, new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`), `${alert} fires in a test`);
      assert.match(tests, new RegExp(`alertname: ${alert}\\n\\s+exp_alerts: \\[\\]`), `${alert} stays quiet in a test`);
      assert.match(monitoring, new RegExp(`^- \\*\\*${alert}\\*\\*`, 'm'), `${alert} has a runbook line in README's Monitoring`);
    }
  });
});

/**
 * Debian's Prometheus on a free loopback port, in its own temp dir, scraping 127.0.0.1:`port`
 * as job "admit" every second with the rules loaded; stop() ends it by PID and removes the dir.
 */
async function startPrometheus(port) {
  const dir = await mkdtemp(join(tmpdir(), 'admit-prometheus-'));
  const own = await freePort();
  const base = `http://127.0.0.1:${own}`;
  await writeFile(join(dir, 'prometheus.yml'), [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ['${RULES}']`,
    'scrape_configs:',
    '  - job_name: admit',
    `    static_configs: [{ targets: ['127.0.0.1:${port}'] }]`,
    '',
  ].join('\n'));
  const daemon = startDaemon(prometheusBin, [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${own}`,
  ]);
  try {
    await waitFor(`Prometheus on ${base}`, async () => {
      if (daemon.proc.exitCode !== null) throw new Error(`prometheus exited: ${daemon.output()}`);
      return (await fetch(`${base}/-/ready`)).ok;
    });
  } catch (e) {
    await daemon.stop();
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    base,
    async query(promql) {
      const body = await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`)).json();
      assert.equal(body.status, 'success', JSON.stringify(body));
      return body.data.result;
    },
    async stop() {
      await daemon.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

describe('a real Prometheus scraping a running admit', { skip: missing }, () => {
  let admit;
  let prometheus;
  let base;
  const query = (promql) => prometheus.query(promql);

  before(async () => {
    const metricsPort = await freePort();
    admit = await startServer({ env: { ADMIT_METRICS_LISTEN: `127.0.0.1:${metricsPort}` } });
    prometheus = await startPrometheus(metricsPort);
    base = prometheus.base;
  });
  after(async () => {
    await prometheus?.stop();
    await admit?.stop();
  });

  it('scrapes the node on its metrics address (up = 1, admit_db_up = 1)', async () => {
    await waitFor('the target up', async () => (await query('up{job="admit"} == 1')).length === 1);
    await waitFor('admit_db_up scraped', async () => (await query('admit_db_up{job="admit"} == 1')).length === 1);
  });

  it('loads every rule and evaluates it without an error', async () => {
    const rules = await waitFor('the rules evaluated', async () => {
      const body = await (await fetch(`${base}/api/v1/rules?type=alert`)).json();
      const all = body.data.groups.flatMap((g) => g.rules);
      return all.length > 0 && all.every((r) => r.health === 'ok') && all;
    });
    assert.equal(rules.length, 13);
    for (const r of rules) assert.equal(r.lastError ?? '', '', `${r.name}: ${r.lastError}`);
  });

  it('finds every metric the rules read among what admit exports', async () => {
    // Traffic, so that the request counters and histograms have series.
    for (let i = 0; i < 3; i++) assert.equal((await api(admit.baseUrl, 'GET', '/api/events')).status, 200);
    const wanted = await metricsTheRulesRead();
    assert.ok(wanted.length >= 12, `${wanted}`);
    const scraped = await waitFor('the request series scraped', async () => {
      const names = new Set((await query('count by (__name__) ({job="admit"})')).map((s) => s.metric.__name__));
      return names.has('admit_http_requests_total') && names;
    });
    const absent = wanted.filter((name) => !scraped.has(name));
    assert.deepEqual(absent, [], `read by the rules but not exported: ${absent}`);
  });

  it('fires nothing while the node is healthy, and AdmitInstanceDown goes pending once it is gone', async () => {
    assert.deepEqual(await query('ALERTS'), []);
    await admit.stop();
    const pending = await waitFor('AdmitInstanceDown pending', async () => {
      const alerts = await query('ALERTS{alertname="AdmitInstanceDown"}');
      return alerts.length === 1 && alerts[0];
    }, { ms: 15_000 });
    assert.equal(pending.metric.alertstate, 'pending', 'for: 1m keeps it pending first');
    assert.equal(pending.metric.severity, 'critical');
  });
});

const pgMissing = missing
  || (process.getuid?.() !== 0 && 'PostgreSQL runs as the postgres user via runuser: needs root')
  || (!findBinary('/usr/bin/runuser', '/sbin/runuser', '/usr/sbin/runuser') && 'runuser is missing');

describe('AdmitDatabaseDown when PostgreSQL stops under a node', { skip: pgMissing }, () => {
  const pgServer = resolve(import.meta.dirname, '../../scripts/pg-server.sh');
  let pgDir;
  let admit;
  let prometheus;
  before(async () => {
    pgDir = await mkdtemp(join(tmpdir(), 'admit-prometheus-pg-'));
    const url = execFileSync('bash', [pgServer, 'start', pgDir], { encoding: 'utf8' }).trim();
    const metricsPort = await freePort();
    admit = await startServer({ env: { ADMIT_DATABASE_URL: url, ADMIT_METRICS_LISTEN: `127.0.0.1:${metricsPort}` } });
    prometheus = await startPrometheus(metricsPort);
  });
  after(async () => {
    await prometheus?.stop();
    await admit?.stop();
    if (pgDir) {
      try { execFileSync('bash', [pgServer, 'stop', pgDir], { stdio: 'ignore' }); } catch { /* not running */ }
      await rm(pgDir, { recursive: true, force: true });
    }
  });

  it('the node keeps answering scrapes with admit_db_up 0, the alert goes pending, and clears once PostgreSQL is back', async () => {
    await waitFor('admit_db_up 1', async () => (await prometheus.query('admit_db_up{job="admit"} == 1')).length === 1);
    const port = new URL(execFileSync('bash', [pgServer, 'url', pgDir], { encoding: 'utf8' }).trim()).port;
    execFileSync('bash', [pgServer, 'stop', pgDir], { stdio: 'ignore' });
    const alert = await waitFor('AdmitDatabaseDown pending', async () => {
      const alerts = await prometheus.query('ALERTS{alertname="AdmitDatabaseDown"}');
      return alerts.length === 1 && alerts[0];
    }, { ms: 20_000 });
    assert.equal(alert.metric.alertstate, 'pending');
    assert.equal((await prometheus.query('up{job="admit"} == 1')).length, 1, 'the node itself is still scraped');
    assert.equal((await prometheus.query('admit_db_up{job="admit"} == 0')).length, 1);
    assert.deepEqual(await prometheus.query('ALERTS{alertname="AdmitInstanceDown"}'), []);

    execFileSync('bash', [pgServer, 'start', pgDir, port], { stdio: 'ignore' });
    await waitFor('admit_db_up 1 again', async () => (await prometheus.query('admit_db_up{job="admit"} == 1')).length === 1,
      { ms: 30_000 });
    await waitFor('the alert cleared', async () => (await prometheus.query('ALERTS{alertname="AdmitDatabaseDown"}')).length === 0,
      { ms: 10_000 });
  });
});
