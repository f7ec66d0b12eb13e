import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { pgUnavailableReason, startPgServer, type PgServer } from '../support/pgCluster';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

// The inspector (`serve`) opened on a PostgreSQL database; the runs it shows are advanced by a
// separate `worker` process on the same URL, loading a workflow the inspector's host does not
// know (tests/e2e/support/fleetFlow.ts), so only that worker can have moved them.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin/abstractruntime.mjs');
// Under CI pgUnavailableReason throws instead (.ci/run installs PostgreSQL), so this can
// skip only on a machine without PostgreSQL binaries or a server URL, saying how to get them.
const unavailable = pgUnavailableReason();
if (unavailable !== null) console.warn(`postgresLive: skipped: ${unavailable}`);
// Playwright skips a test that carries a `skip` annotation (its hooks too), and reports its description.
const wherePostgresRuns = {
  annotation: unavailable === null ? [] : [{ type: 'skip', description: `PostgreSQL unavailable: ${unavailable}` }],
};

let server: PgServer;
let host: WebHost;
let fleetEnv: NodeJS.ProcessEnv;
let dir: string;
let worker: ChildProcess | null = null;

test.beforeAll(async () => {
  server = await startPgServer();
  const url = server.createDatabase('live');
  dir = mkdtempSync(join(tmpdir(), 'ar-pglive-'));
  const project = join(dir, 'abstractruntime.project.json');
  writeFileSync(project, JSON.stringify({ workflows: [join(ROOT, 'tests/e2e/support/fleetFlow.ts')] }));
  fleetEnv = { ...process.env, ABSTRACTRUNTIME_HOME: join(dir, 'fleet'), ABSTRACTRUNTIME_PROJECT: project };
  host = await startWebHost({ home: join(dir, 'inspector'), dbPath: url });
});
test.afterAll(async () => {
  worker?.kill('SIGKILL');
  await host?.stop();
  server?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test.setTimeout(180_000);

/** A process of the fleet (the CLI with the fleet's project) on the inspector's database. */
function fleetCli<T>(...args: string[]): T {
  const r = spawnSync(process.execPath, [BIN, '--db', host.dbPath, '--json', ...args], { cwd: ROOT, env: fleetEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`cli ${args.join(' ')} failed (${r.status}): ${r.stderr}${r.stdout}`);
  return JSON.parse(r.stdout) as T;
}

async function startWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, '--db', host.dbPath, '--json', 'worker', '--concurrency', '4'], {
    cwd: ROOT,
    env: fleetEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += String(d)));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += String(d);
      if (out.includes('"workerId"')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker exited ${code} before it was ready: ${err}`)));
  });
  return child;
}

test(
  'the inspector on PostgreSQL lists and follows, without a reload, runs a separate worker process advances',
  wherePostgresRuns,
  async ({ page }) => {
    await page.goto(`${host.url}/#/runs`);
    await expect(page.getByRole('heading', { name: /runs/i }).first()).toBeVisible();
    const loads: string[] = [];
    page.on('load', () => loads.push(page.url()));

    // Created by one process, with no worker alive yet: the open list shows them at once.
    const long = fleetCli<{ run_id: string }>('run', 'fleet.paced', '--detach', '--vars', '{"n":40,"ms":250}');
    const short = fleetCli<{ run_id: string }>('run', 'fleet.paced', '--detach', '--vars', '{"n":3,"ms":200}');
    const longRow = page.locator(`tr[data-run-id="${long.run_id}"]`);
    const shortRow = page.locator(`tr[data-run-id="${short.run_id}"]`);
    await expect(longRow).toBeVisible();
    await expect(shortRow).toBeVisible();
    await expect(shortRow.locator('.pill')).toHaveText('running');

    // Another process, the worker, advances them; the list follows.
    worker = await startWorker();
    await expect(shortRow.locator('.pill')).toHaveText('completed', { timeout: 60_000 });
    await expect(longRow.locator('.pill')).toHaveText('running');
    await screenshot(page, 'inspector-postgres-live');

    // The run view follows the long run step by step as the worker commits them.
    await page.goto(`${host.url}/#/runs/${long.run_id}`);
    loads.length = 0;
    const ledger = page.getByRole('list', { name: 'Ledger records' });
    const records = async () => Number(((await page.getByLabel('Record count').textContent()) ?? '').replace(/[^0-9]/g, ''));
    await expect(page.locator('.run-header .pill')).toHaveText('running');
    const seen = await records();
    await expect.poll(records, { timeout: 60_000 }).toBeGreaterThan(seen);
    await expect(page.locator('.run-header .pill')).toHaveText('completed', { timeout: 90_000 });
    await expect(ledger.getByText(/^completed/).last()).toBeVisible();
    expect(loads).toEqual([]); // all of it live: the page was never reloaded
  },
);
