import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('approve one write_note call with edited arguments, deny the other, see the results in the ledger', async ({ page }) => {
  // In the system temp folder, where file tools may write (never the host's data folder).
  const path = join(mkdtempSync(join(tmpdir(), 'ar-e2e-notes-')), 'notes.txt');
  const run = await host.api<{ run_id: string }>('startRun', {
    workflowId: 'examples.toolapproval',
    vars: { path, notes: ['first', 'second'] },
  });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);

  const panel = page.getByRole('region', { name: 'Tool approval' });
  await expect(panel.getByRole('heading', { name: 'Tool calls need approval' })).toBeVisible();
  await expect(panel).toContainText('Approve, edit or deny: write_note, write_note');
  const [first, second] = [panel.locator('.tool-call').nth(0), panel.locator('.tool-call').nth(1)];
  await expect(first).toContainText('note-1');
  await expect(second).toContainText('note-2');
  await expect(page.locator('[data-node-id="propose"]')).toHaveAttribute('data-status', 'waiting');
  await expect(page).toHaveTitle('(1) AbstractRuntime');
  await screenshot(page, 'run-tool-approval');
  expect(existsSync(path)).toBe(false);

  await first.getByRole('textbox', { name: 'Arguments for write_note' }).fill(JSON.stringify({ path, text: 'first, edited in the GUI' }));
  await first.getByRole('button', { name: 'Approve' }).click();
  await expect(first.getByRole('button', { name: 'Approve' })).toHaveAttribute('aria-pressed', 'true');
  await second.getByRole('textbox', { name: 'Reason if denied' }).fill('one note is enough');
  await second.getByRole('button', { name: 'Deny' }).click();
  await expect(second).toHaveAttribute('data-decision', 'deny');
  await panel.getByRole('button', { name: 'Submit decisions' }).click();

  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await expect(page).toHaveTitle('AbstractRuntime');
  await expect(page.locator('[data-node-id="done"]')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid');
  expect(readFileSync(path, 'utf8')).toBe('first, edited in the GUI\n');

  await page.getByRole('list', { name: 'Ledger records' }).getByText('tool_calls · completed').first().click();
  const results = page.getByLabel('Tool results');
  await expect(results).toContainText('"written": "first, edited in the GUI"');
  await expect(results).toContainText('"edited_arguments"');
  await expect(results).toContainText('denied by user: one note is enough');
  await screenshot(page, 'run-tool-approval-decided');
  rmSync(dirname(path), { recursive: true, force: true });
});
