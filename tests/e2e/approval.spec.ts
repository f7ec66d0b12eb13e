import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('start examples.approval in the GUI, answer it, see it complete', async ({ page }) => {
  host.cli('run', 'examples.counter', '--vars', '{"n": 3}');
  await page.goto(`${host.url}/#/runs`);
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  await page.getByRole('button', { name: 'Start run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start a run' });
  await dialog.getByLabel('Workflow').selectOption('examples.approval');
  await dialog.getByRole('button', { name: 'Start' }).click();

  await expect(page).toHaveURL(/#\/runs\/.+/);
  const panel = page.getByRole('region', { name: 'Question' });
  await expect(panel.getByText('Run the tool now?')).toBeVisible();
  await expect(page).toHaveTitle('(1) AbstractRuntime');
  await expect(page.locator('[data-node-id="ask"]')).toHaveAttribute('data-status', 'waiting');
  await screenshot(page, 'run-waiting-for-answer');

  await page.goto(`${host.url}/#/runs`);
  await expect(page.getByText('needs you')).toBeVisible();
  await screenshot(page, 'runs-list');
  await page.getByText('needs you').click();

  await page.getByRole('radio', { name: 'approve' }).check();
  await page.getByRole('button', { name: 'Send answer' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await expect(page).toHaveTitle('AbstractRuntime');
  await expect(page.locator('[data-node-id="done"]')).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('[data-node-id="act"]')).toContainText('×1');
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid');

  await page.getByRole('list', { name: 'Ledger records' }).getByText('tool_calls · completed').first().click();
  await expect(page.getByRole('heading', { name: 'Tool calls' })).toBeVisible();
  await expect(page.getByRole('heading', { name: /current_time/ })).toBeVisible();
  await expect(page.getByLabel('Tool results')).toContainText('"success": true');
  await screenshot(page, 'run-completed-tool-record');

  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, 'run-completed-dark');
});
