import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('export a run from its view, with the bundle verification shown, and a selection of runs from the list', async ({ page }) => {
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 3}');
  const other = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 2}');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export bundle' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`run-examples.counter-${run.run_id}.bundle.json`);
  const bundle = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { state: { run_id: string }; records: unknown[] };
  expect(bundle.state.run_id).toBe(run.run_id);
  await expect(page.getByRole('status', { name: 'Exported bundle' })).toHaveText(
    `Exported · bundle verifies (${bundle.records.length} records)`,
  );
  await screenshot(page, 'run-exported');

  await page.goto(`${host.url}/#/runs`);
  await page.getByLabel(`Select run ${run.run_id}`).check();
  await page.getByLabel(`Select run ${other.run_id}`).check();
  const names: string[] = [];
  page.on('download', (d) => names.push(d.suggestedFilename()));
  await page.getByRole('button', { name: 'Export 2 selected runs' }).click();
  await expect(page.getByRole('status', { name: 'Export result' })).toHaveText('Exported 2 bundles, each verifies');
  await expect
    .poll(() => [...names].sort())
    .toEqual([`run-examples.counter-${run.run_id}.bundle.json`, `run-examples.counter-${other.run_id}.bundle.json`].sort());
});
