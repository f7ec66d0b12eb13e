import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('step through examples.counter and stop at a breakpoint', async ({ page }) => {
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.counter', vars: { n: 3 }, stepMode: true });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const header = page.locator('.run-header');
  await expect(header).toContainText('node count');

  await page.getByRole('region', { name: 'Node' }).getByLabel('Node').selectOption('done');
  await page.getByLabel('Breakpoint before done').check();
  await expect(page.locator('[data-node-id="done"] .bp-dot')).toBeVisible();

  const steps = async () => Number(/(\d+) steps?/.exec((await header.textContent()) ?? '')?.[1]);
  const before = await steps();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect.poll(steps).toBe(before + 1);

  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(header).toContainText('node done');
  await expect(header.locator('.pill')).toHaveText('running');
  await expect(page.locator('[data-node-id="count"]')).toContainText('×4');
  await screenshot(page, 'run-breakpoint');

  await page.getByLabel('Breakpoint before done').uncheck();
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(header.locator('.pill')).toHaveText('completed');
});

test('the state inspector shows vars at a step and the diff to the one before', async ({ page }) => {
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 4}');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await page.getByLabel('Go to seq').fill('3');
  await page.getByLabel('Go to seq').press('Enter');
  const state = page.getByRole('region', { name: 'State' });
  await expect(state.getByRole('heading')).toHaveText('State after #3');
  const diff = state.getByRole('list', { name: 'Diff' });
  await expect(diff).toContainText('i changed');
  await expect(diff).toContainText('− 2');
  await expect(diff).toContainText('+ 3');
  await screenshot(page, 'run-state-diff');
});
