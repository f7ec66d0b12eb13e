import { appendFileSync, cpSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

const FIXTURE = fileURLToPath(new URL('../fixtures/abstractruntime-py-0.4.28/ask_waiting', import.meta.url));
const RUN = '2f982b71-c70f-4e97-9c3f-c0a1bddc8459';

let host: WebHost;
test.beforeAll(async () => {
  host = await startWebHost();
});
test.afterAll(async () => {
  await host?.stop();
});

/** One more record, appended the way the Python HashChainedLedgerStore does it. */
function appendPythonRecord(ledger: string): void {
  const last = JSON.parse(readFileSync(ledger, 'utf8').trim().split('\n').pop()!);
  const body: Record<string, unknown> = {
    run_id: RUN,
    step_id: 'live-step',
    node_id: 'done',
    status: 'completed',
    effect: null,
    result: { approved: true, score: 1.0 },
    error: null,
    started_at: '2026-12-01T21:30:00.000001+00:00',
    ended_at: '2026-12-01T21:30:00.000002+00:00',
    actor_id: null,
    session_id: null,
    attempt: 1,
    idempotency_key: null,
    prev_hash: last.record_hash,
  };
  const canonical = JSON.stringify(Object.fromEntries(Object.entries(body).sort(([a], [b]) => (a < b ? -1 : 1))));
  appendFileSync(
    ledger,
    `${JSON.stringify({ ...body, record_hash: createHash('sha256').update(canonical).digest('hex'), signature: null })}\n`,
  );
}

test('a Python store folder opens live: a line appended to its ledger appears in the open run view without a reload', async ({ page }) => {
  const folder = join(host.home, 'python-store');
  cpSync(FIXTURE, folder, { recursive: true });
  await page.goto(`${host.url}/#/runs`);
  await page.getByRole('button', { name: 'Open folder…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Open a Python store folder' });
  await dialog.getByLabel('Folder path').fill(folder);
  await dialog.getByRole('button', { name: 'Open' }).click();
  const section = page.getByRole('region', { name: `Python store ${folder}` });
  await expect(section).toContainText('foreign · read-only · live');
  await expect(section).toContainText('py.ask_user');
  await screenshot(page, 'python-folder-runs');

  await section.getByRole('link', { name: RUN.slice(0, 12) }).click();
  await expect(page.locator('.run-header')).toContainText('foreign · read-only');
  await expect(page.getByRole('status', { name: 'Verification' })).toHaveText(/Chain valid · 2 records/);
  await expect(page.locator('[data-node-id="ask"]')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Create snapshot' })).toBeDisabled();
  const rows = page.getByRole('list', { name: 'Ledger records' }).locator('.ledger-row:not(.placeholder)');
  await expect(rows).toHaveCount(2);
  // Nothing of the folder went into the database.
  expect((await host.api<{ total: number }>('listRuns', {})).total).toBe(0);

  appendPythonRecord(join(folder, `ledger_${RUN}.jsonl`));
  await expect(rows).toHaveCount(3);
  await expect(page.locator('.ledger-row[data-seq="2"]')).toContainText('done');
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('status', { name: 'Verification' })).toHaveText(/Chain valid · 3 records/);
  await expect(page.locator('[data-node-id="done"]')).toBeVisible();
  await screenshot(page, 'python-folder-live-run');
});

test("a Python run's state shows the numbers Python wrote (2^53+1, -0.0, 1.0), not doubles", async ({ page }) => {
  const stress = fileURLToPath(new URL('../fixtures/abstractruntime-py-0.4.28/stress', import.meta.url));
  await host.api('openFolder', { path: stress });
  await page.goto(`${host.url}/#/runs/84e1da88-9ea9-49fb-8e76-ec9b08e5cdcb`);
  const vars = page.getByLabel('Current vars');
  await expect(vars).toContainText('"int_2_53_plus1": 9007199254740993');
  await expect(vars).toContainText('"f_negzero": -0.0');
  await expect(vars).toContainText('"f_one": 1.0');
});
