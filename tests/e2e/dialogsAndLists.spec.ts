import { join } from 'node:path';
import { expect, test, type Locator } from '@playwright/test';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

/** The footer's buttons, left to right. */
const footer = (dialog: Locator) => dialog.locator('.modal-actions button').allTextContents();

test('every dialog has the same footer: the way out on the left, the primary action on the right', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const run = host.cli<{ run_id: string }>('run', 'examples.event');
  await page.goto(`${host.url}/#/runs`);

  await page.getByRole('button', { name: 'Start run' }).click();
  const start = page.getByRole('dialog', { name: 'Start a run' });
  expect(await footer(start)).toEqual(['Cancel', 'Start']);
  await start.getByRole('button', { name: 'Cancel' }).click();
  await expect(start).toHaveCount(0);

  await page.getByRole('button', { name: 'Open folder…' }).click();
  const folder = page.getByRole('dialog', { name: 'Open a Python store folder' });
  expect(await footer(folder)).toEqual(['Cancel', 'Open']);
  await page.keyboard.press('Escape');
  await expect(folder).toHaveCount(0);

  await page.goto(`${host.url}/#/runs/${run.run_id}/records/0`);
  await page.getByRole('button', { name: 'Restore to here…' }).click();
  const travel = page.getByRole('dialog', { name: /Restore/ });
  await expect(travel.getByRole('button', { name: 'Restore to #0' })).toBeVisible();
  expect(await footer(travel)).toEqual(['Cancel', 'Restore to #0']);
  await travel.getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('button', { name: 'Cancel run' }).click();
  const confirm = page.getByRole('dialog', { name: 'Cancel this run?' });
  // Not "Cancel" beside "Cancel the run": the way out says what it keeps.
  expect(await footer(confirm)).toEqual(['Keep the run', 'Cancel the run']);
  await confirm.getByRole('button', { name: 'Keep the run' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('waiting');
});

test('the Audit list has column headers and counts in words', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 2}');
  const file = join(host.home, 'walk.bundle.json');
  host.cli('export', run.run_id, '-o', file);
  await page.goto(`${host.url}/#/audit`);
  await page.getByLabel('Bundle file').setInputFiles(file);
  await expect(page.getByRole('status', { name: 'Verification' })).toHaveText('Chain valid · 5 records, hash chain intact');
  const head = page.locator('.audit-head');
  await expect(head).toHaveText(/Seq\s*Node\s*Record\s*Hash/i);
  await expect(page.getByText(/· 5 records$/)).toBeVisible();
  // The header's columns line up with the rows'.
  const headSeq = (await head.locator('.seq').boundingBox())!;
  const rowSeq = (await page.getByRole('list', { name: 'Bundle records' }).locator('.ledger-row .seq').first().boundingBox())!;
  const headHash = (await head.locator('.hash').boundingBox())!;
  const rowHash = (await page.getByRole('list', { name: 'Bundle records' }).locator('.ledger-row .hash').first().boundingBox())!;
  expect(Math.abs(headSeq.x - rowSeq.x)).toBeLessThan(2);
  expect(Math.abs(headHash.x - rowHash.x)).toBeLessThan(2);
});
