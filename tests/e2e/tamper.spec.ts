import Database from 'better-sqlite3';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('a tampered ledger row turns the badge red at its seq', async ({ page }) => {
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 8}');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const badge = page.getByRole('status', { name: 'Verification' });
  await expect(badge).toContainText('Chain valid');

  // What an attacker with the file would do: rewrite one record's body in place.
  const db = new Database(host.dbPath);
  const changed = db
    .prepare("UPDATE ledger SET body = json_set(body, '$.started_at', '2000-01-01T00:00:00.000Z') WHERE run_id = ? AND seq = 4")
    .run(run.run_id).changes;
  db.close();
  expect(changed).toBe(1);

  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(badge).toContainText('Chain broken at seq 4');
  await expect(badge).toHaveClass(/badge-bad/);
  await expect(page.getByRole('list', { name: 'Ledger records' }).locator('[data-seq="4"]')).toHaveClass(/broken/);
  await screenshot(page, 'run-chain-broken');
});
