import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('create a snapshot, restore it, fork it with changed vars', async ({ page }) => {
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.counter', vars: { n: 6 }, stepMode: true });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const header = page.locator('.run-header');
  const steps = async () => Number(/(\d+) steps?/.exec((await header.textContent()) ?? '')?.[1]);
  const step = async () => {
    const n = await steps();
    await page.getByRole('button', { name: 'Step', exact: true }).click();
    await expect.poll(steps).toBe(n + 1);
  };
  await step();
  await step();

  const panel = page.getByRole('region', { name: 'Snapshots' });
  await panel.getByLabel('Snapshot name').fill('after two steps');
  await panel.getByLabel('Tags (comma separated)').fill('e2e, counter');
  await panel.getByRole('button', { name: 'Create snapshot' }).click();
  await expect(panel.getByText('after two steps')).toBeVisible();
  const vars = page.getByRole('region', { name: 'State' }).getByLabel('Current vars');
  const varsAtSnapshot = (await vars.textContent()) ?? '';
  expect(varsAtSnapshot).toMatch(/"i": \d/);

  await step();
  await step();
  await panel.getByRole('button', { name: 'Restore', exact: true }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText('Nothing is deleted');
  await screenshot(page, 'snapshot-restore-confirm');
  await confirm.getByRole('button', { name: 'Restore this run' }).click();
  await expect(page.getByText('Snapshot restored')).toBeVisible();
  await expect(vars).toHaveText(varsAtSnapshot);

  await panel.getByRole('button', { name: 'Fork', exact: true }).click();
  await page.getByLabel(/Vars to change/).fill('{"n": 1}');
  await page.getByRole('button', { name: 'Fork into a new run' }).click();
  await expect(page).not.toHaveURL(new RegExp(run.run_id));
  await expect(page.getByRole('navigation', { name: 'Related runs' })).toContainText('Forked from');
  // The fork (n = 1, already past i = 1) advances on its own straight to the end.
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await expect(page.getByRole('status', { name: 'Verification' })).toContainText('Chain valid');
});
