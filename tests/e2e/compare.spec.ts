import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('compare two runs chosen in the list: state diff and path diff side by side', async ({ page }) => {
  const three = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 3}');
  const five = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 5}');
  await page.goto(`${host.url}/#/runs`);
  await page.getByLabel(`Select run ${three.run_id}`).check();
  await page.getByLabel(`Select run ${five.run_id}`).check();
  await page.getByRole('link', { name: 'Compare these 2 runs' }).click();
  await expect(page).toHaveURL(/#\/compare\?a=.+&b=.+/);
  const state = page.getByRole('region', { name: 'State diff' });
  const diff = state.getByRole('list', { name: 'Diff' });
  await expect(diff).toContainText('n changed');
  const paths = page.getByRole('region', { name: 'Path diff' });
  await expect(paths.getByRole('heading', { level: 2 })).toHaveText('Paths part at step 1');
  const texts = await Promise.all(
    [three, five].map((r) => paths.getByRole('list', { name: `Path of ${r.run_id}`, exact: true }).textContent()),
  );
  expect(texts[0]).toContain('count ×');
  expect(texts[0]).not.toBe(texts[1]);
  await expect(paths.locator('.path-differs').first()).toBeVisible();
  await screenshot(page, 'compare-two-runs');
});

test('compare one run at a record with its latest state, from the record itself', async ({ page }) => {
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 4}');
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/3`);
  await page.getByRole('link', { name: 'Compare this state with now' }).click();
  await expect(page.getByRole('region', { name: 'State diff' }).getByRole('list', { name: 'Diff' })).toContainText('i changed');
  await expect(page.getByRole('list', { name: `Path of ${run.run_id}@3` })).toBeVisible();
  await expect(page.getByRole('list', { name: `Path of ${run.run_id}`, exact: true })).toContainText('done');
});

test('a run that does not exist is said in words on the compare page', async ({ page }) => {
  await page.goto(`${host.url}/#/compare?a=nope&b=nope2`);
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Run nope does not exist');
  await expect(alert).toHaveAttribute('title', 'Error code RUN_NOT_FOUND');
});

test('compare two snapshots of one run', async ({ page }) => {
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.counter', vars: { n: 3 }, stepMode: true });
  await host.api('stepRun', { runId: run.run_id });
  await host.api('createSnapshot', { runId: run.run_id, name: 'early' });
  await host.api('stepRun', { runId: run.run_id });
  await host.api('stepRun', { runId: run.run_id });
  await host.api('createSnapshot', { runId: run.run_id, name: 'later' });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await page.getByRole('link', { name: 'vs previous' }).click();
  await expect(page.getByRole('region', { name: 'State diff' }).getByRole('list', { name: 'Diff' })).toContainText('i changed');
  await screenshot(page, 'compare-snapshots');
});
