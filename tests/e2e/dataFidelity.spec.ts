import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';
import { BIN, ROOT } from '../cli/cliRunner';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

interface Run {
  run_id: string;
  waiting: { wait_key: string } | null;
  vars: Record<string, unknown>;
}

test('the artifact viewer opens a large value kept by hash, previews it and saves its exact bytes', async ({ page }) => {
  const note = `a long note ${'n'.repeat(70_000)}`;
  const run = await host.api<Run>('startRun', {
    workflowId: 'examples.toolapproval',
    vars: { path: join(host.home, 'notes.txt'), notes: [note] },
  });
  const ref = (run.vars.notes as { $artifact: string }[])[0]!.$artifact;
  await page.goto(`${host.url}/#/runs/${run.run_id}`);

  const state = page.getByRole('region', { name: 'State' });
  const link = state.getByRole('list', { name: 'Artifacts' }).getByRole('button', { name: /Open artifact/ });
  await expect(link).toHaveAttribute('title', ref);
  await link.click();
  const viewer = page.getByRole('dialog', { name: 'Artifact' });
  await expect(viewer).toContainText(ref);
  await expect(viewer).toContainText('application/json');
  await expect(viewer.getByLabel('Artifact content')).toContainText('"a long note nnnn');
  await screenshot(page, 'artifact-viewer');
  const [download] = await Promise.all([page.waitForEvent('download'), viewer.getByRole('button', { name: 'Save…' }).click()]);
  const saved = await download.path();
  expect(readFileSync(saved, 'utf8')).toBe(JSON.stringify(note));
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toBeHidden();
});

test('a tool_calls record shows the executed (edited) arguments, the original and who decided', async ({ page }) => {
  const path = join(host.home, 'edited.txt');
  const run = await host.api<Run>('startRun', { workflowId: 'examples.toolapproval', vars: { path, notes: ['as proposed'] } });
  await host.api('decideToolCalls', {
    runId: run.run_id,
    waitKey: run.waiting!.wait_key,
    decisions: [{ call_id: 'note-1', approved: true, arguments: { path, text: 'as edited' } }],
  });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await page.getByRole('list', { name: 'Ledger records' }).getByText('tool_calls · completed').first().click();
  const results = page.getByLabel('Tool results');
  await expect(results).toContainText('"arguments": {');
  await expect(results).toContainText('"text": "as edited"');
  await expect(results).toContainText('"original_arguments"');
  await expect(results).toContainText('"text": "as proposed"');
  await expect(results).toContainText('"decided_by"');
  await screenshot(page, 'run-executed-arguments');
});

test('the approval panel shows a pending call whose large arguments are stored by hash, whole, and runs the edit', async ({ page }) => {
  // Not in the data folder (host.home), which no tool may write.
  const path = join(mkdtempSync(join(tmpdir(), 'ar-e2e-notes-')), 'pending-large.txt');
  const note = `start ${'p'.repeat(100_000)} end`;
  const run = await host.api<Run & { waiting: { wait_key: string; tool_calls: { arguments: { text: unknown } }[] } }>('startRun', {
    workflowId: 'examples.toolapproval',
    vars: { path, notes: [note] },
  });
  // Stored as a reference in the run state...
  expect(run.waiting.tool_calls[0]!.arguments.text).toHaveProperty('$artifact');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  // ...shown to the person as the value itself.
  const args = page.getByRole('region', { name: 'Tool approval' }).getByLabel('Arguments for write_note');
  await expect(args).toHaveValue(JSON.stringify({ path, text: note }, null, 2));
  await screenshot(page, 'tool-approval-large-arguments');
  const edited = `${note} (edited in the panel)`;
  await args.fill(JSON.stringify({ path, text: edited }, null, 2));
  await page.getByRole('region', { name: 'Tool approval' }).getByRole('button', { name: 'Approve' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  expect(readFileSync(path, 'utf8')).toBe(`${edited}\n`);
});

test('a failed tool call is shown as failed: ledger row, node and run', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.sideeffect', vars: { n: 3, path: '/etc/abstractruntime-e2e.txt' } });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await expect(page.locator('.run-header .pill')).toHaveText('failed');
  await expect(page.locator('[data-node-id="append"]')).toHaveAttribute('data-status', 'failed');
  await expect(page.locator('[data-node-id="done"]')).toHaveAttribute('data-status', 'idle');
  const row = page.getByRole('list', { name: 'Ledger records' }).locator('.ledger-row', { hasText: 'tool_calls · completed with errors' });
  await expect(row).toHaveClass(/status-failed/);
  await row.click();
  await expect(page.getByLabel('Error')).toContainText('TOOL_CALLS_FAILED');
  await screenshot(page, 'run-failed-tool-call');
});

test('the start dialog renders a form from the workflow input schema and refuses bad input naming the field', async ({ page }) => {
  await page.goto(`${host.url}/#/runs`);
  await page.getByRole('button', { name: 'Start run' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start a run' });
  await dialog.getByLabel('Workflow').selectOption('examples.counter');
  const n = dialog.getByLabel('n', { exact: true });
  await expect(n).toHaveValue('10');
  await n.fill('abc');
  await expect(dialog.getByRole('alert', { name: 'Input problems' })).toContainText('vars.n: expected integer, got string');
  await expect(dialog.getByRole('button', { name: 'Start' })).toBeDisabled();
  await screenshot(page, 'start-dialog-schema-form');
  await n.fill('2');
  await dialog.getByRole('button', { name: 'Start' }).click();
  await expect(page).toHaveURL(/#\/runs\/.+/);
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
});

test('numbers kept exactly: CLI --vars → store → export → import over HTTP → the State view shows them as written', async ({ page }) => {
  const exact = '[98765432109876543210,-0.0,1.0,1e-07,2.5e+20]';
  // The CLI writes into its own database; the host only sees the run through the bundle.
  const elsewhere = join(host.home, 'elsewhere.db');
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [BIN, '--db', elsewhere, '--json', ...args], {
      cwd: ROOT,
      env: { ...process.env, ABSTRACTRUNTIME_HOME: host.home },
      encoding: 'utf8',
    });
  const started = cli('run', 'examples.toolapproval', '--vars', `{"notes":${exact}}`);
  expect(started.status, started.stderr).toBe(0);
  const runId = /"run_id": "([^"]+)"/.exec(started.stdout)![1]!;
  const file = join(host.home, 'exact.bundle.json');
  expect(cli('export', runId, '-o', file).status).toBe(0);
  // Posted as text so the numbers reach the host as written; the API needs this launch's token.
  const res = await page.request.post(`${host.origin}/api/importBundle`, {
    headers: { 'content-type': 'application/json', authorization: `Bearer ${host.token}` },
    data: `{"bundle":${readFileSync(file, 'utf8')}}`,
  });
  expect(res.ok(), await res.text()).toBe(true);
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);

  await page.goto(`${host.url}/#/runs/${runId}`);
  const state = page.getByRole('region', { name: 'State' });
  await expect(state).toContainText('98765432109876543210');
  const shown = (await state.locator('pre.json').first().textContent())!.replace(/\s+/g, '');
  expect(shown).toContain(`"notes":${exact}`);
  // The workflow's handler read them too: each proposed note's text is the number as written.
  const args = page.getByLabel('Arguments for write_note');
  await expect(args.nth(0)).toHaveValue(/"text": "98765432109876543210"/);
  await expect(args.nth(1)).toHaveValue(/"text": "-0\.0"/);
  await expect(args.nth(4)).toHaveValue(/"text": "2\.5e\+20"/);
  await state.scrollIntoViewIfNeeded();
  await screenshot(page, 'exact-numbers');
});
