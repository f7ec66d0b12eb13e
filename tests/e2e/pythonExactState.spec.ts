/** A Python run imported and then answered here: the inspector's state view shows Python's numbers as written. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { ASK_WAITING, EXACT_LINES, pythonFolderWithNumbers } from '../support/pythonNumbersFolder';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
let dir: string;
test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ar-e2e-pyexact-'));
  // Our workflow for the Python run's id, so the run can continue here.
  writeFileSync(
    join(dir, 'ask.mjs'),
    `export default {
  id: 'py.ask_user',
  version: '1',
  entry: 'ask',
  nodes: {
    ask: { next: ['done'], handler: () => ({ effect: { type: 'ask_user', payload: { prompt: 'Approve?' } }, resultKey: 'answer', next: 'done' }) },
    done: { handler: (run) => ({ complete: { exact: run.vars.exact ?? null } }) },
  },
};
`,
  );
  writeFileSync(join(dir, 'abstractruntime.project.json'), JSON.stringify({ workflows: ['./ask.mjs'] }));
  const saved = process.env.ABSTRACTRUNTIME_PROJECT;
  process.env.ABSTRACTRUNTIME_PROJECT = join(dir, 'abstractruntime.project.json');
  try {
    host = await startWebHost();
  } finally {
    if (saved === undefined) delete process.env.ABSTRACTRUNTIME_PROJECT;
    else process.env.ABSTRACTRUNTIME_PROJECT = saved;
  }
});
test.afterAll(async () => {
  await host?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('a Python run answered here shows 2^53+1, 1.0, -0.0, 1e-07 as Python wrote them in the state view', async ({ page }) => {
  host.cli('import', pythonFolderWithNumbers(dir));
  const done = await host.api<{ status: string }>('answer', { runId: ASK_WAITING, text: 'yes' });
  expect(done.status).toBe('completed');
  await page.goto(`${host.url}/#/runs/${ASK_WAITING}`);
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  const state = page.getByRole('region', { name: 'State' });
  const vars = state.getByLabel('Current vars');
  const output = state.getByLabel('Output');
  for (const line of EXACT_LINES) {
    await expect(vars).toContainText(line);
    await expect(output).toContainText(line);
  }
  await screenshot(page, 'python-run-continued-exact-state');
});
