import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { makeBigRun, makeHome, startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
let runId: string;
test.beforeAll(async () => {
  const dirs = makeHome();
  runId = makeBigRun(dirs.dbPath, 100_000).runId;
  host = await startWebHost(dirs);
});
test.afterAll(async () => host?.stop());

test('a 100,000-record run opens at its end, scrolls, and jumps, loading only pages', async ({ page }) => {
  const ledgerCalls: unknown[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/getLedger')) ledgerCalls.push(r.postDataJSON());
  });
  await page.goto(`${host.url}/#/runs/${runId}`);
  const list = page.getByRole('list', { name: 'Ledger records' });
  await expect(page.getByLabel('Record count')).toHaveText('100,000 records');
  await expect(list.locator('[data-seq="99999"]')).toBeVisible();
  expect(await list.locator('[data-seq]').count()).toBeLessThan(200);
  await screenshot(page, 'run-100k-records');

  await page.getByRole('button', { name: 'Oldest' }).click();
  await expect(list.locator('[data-seq="0"]')).toContainText('run_started');

  await page.getByLabel('Go to seq').fill('54321');
  await page.getByLabel('Go to seq').press('Enter');
  await expect(list.locator('[data-seq="54321"]')).toContainText('#54321');
  await expect(list.locator('[data-seq="54321"]')).not.toContainText('loading');

  for (let i = 0; i < 10; i++) await list.evaluate((el) => el.scrollBy(0, 2000));
  await expect(list.locator('[data-seq]:not(.placeholder)').first()).toBeVisible();

  // Paged from both ends, never the whole ledger.
  expect(ledgerCalls.length).toBeLessThan(40);
  for (const c of ledgerCalls) expect((c as { limit: number }).limit).toBeLessThanOrEqual(200);
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid');
});

test('filters on the 100,000-record run: one kind, then a kind and text inside payloads', async ({ page }) => {
  await page.goto(`${host.url}/#/runs/${runId}`);
  const ledger = page.getByRole('region', { name: 'Ledger' });
  await expect(ledger.getByLabel('Record count')).toHaveText('100,000 records');
  await ledger.getByLabel('Record kind').selectOption('completed');
  await expect(ledger.getByLabel('Record count')).toHaveText('1 of 100,000 records');
  await expect(ledger.locator('[data-seq] .title')).toHaveText('completed');
  await ledger.getByLabel('Record kind').selectOption('transition');
  await ledger.getByLabel('Search in records').fill('"i":54321');
  // Exactly one transition set i to 54321.
  const hit = ledger.locator('[data-seq]:not(.placeholder)').filter({ hasText: 'transition' });
  await expect(hit).toHaveCount(1);
  await expect(ledger.getByLabel('Record count')).toHaveText('1 of 100,000 records');
  const seqs = await ledger.locator('[data-seq]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
  expect(seqs.length).toBeGreaterThan(0);
  expect(seqs.length).toBeLessThan(100);
  await hit.first().click();
  await expect(page.locator('.record-detail')).toContainText('54321');
  await screenshot(page, 'run-100k-filtered');
});
