import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

// The inspector is served by one process (`serve`); the CLI is others, on the same database.
let host: WebHost;
test.beforeAll(async () => {
  host = await startWebHost();
});
test.afterAll(async () => {
  await host?.stop();
});

test.setTimeout(120_000);

test('runs the CLI creates, answers and emits to show up in the open inspector without a reload', async ({ page }) => {
  await page.goto(`${host.url}/#/runs`);
  await expect(page.getByRole('heading', { name: /runs/i }).first()).toBeVisible();

  // A run created by another process appears in the open list, and the title counts it.
  const asked = host.cli<{ run_id: string; waiting: { wait_key: string } }>('run', 'examples.approval');
  const row = page.locator(`tr[data-run-id="${asked.run_id}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.pill')).toHaveText('waiting');
  await expect(page).toHaveTitle(/^\(1\) /);

  // An event run, open in the run view, completes when the CLI emits.
  const evented = host.cli<{ run_id: string }>('run', 'examples.event');
  await page.goto(`${host.url}/#/runs/${evented.run_id}`);
  await expect(page.locator('.run-header .pill')).toHaveText('waiting');
  await expect(page).toHaveTitle(/^\(1\) /);
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  host.cli('emit', 'approved', '--payload', '{"by":"cli"}');
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  const ledger = page.getByRole('list', { name: 'Ledger records' });
  await expect(ledger.getByText(/resumed/).first()).toBeVisible();
  await expect(ledger.getByText(/^completed/).last()).toBeVisible();
  await screenshot(page, 'run-completed-by-cli-emit');

  // Answering from the CLI clears the title count in the open window.
  host.cli('answer', asked.run_id, 'approve');
  await expect(page).toHaveTitle(/^(?!\(\d+\) )/);
  expect(loads).toEqual([]); // all of it live: the page was never reloaded
});
