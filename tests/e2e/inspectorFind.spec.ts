import { expect, test } from '@playwright/test';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
let llm: ScriptedOpenAiServer;
test.beforeAll(async () => {
  llm = await startScriptedOpenAiServer([
    {
      toolCalls: [{ name: 'add', arguments: { a: 1234, b: 4321 }, id: 'call-add' }],
      usage: { prompt_tokens: 61, completion_tokens: 18 },
      model: 'scripted-model',
    },
    { content: 'The sum is five thousand.', usage: { prompt_tokens: 90, completion_tokens: 9 }, model: 'scripted-model' },
  ]);
  host = await startWebHost();
});
test.afterAll(async () => {
  await host?.stop();
  await llm?.close();
});

test('ledger at 1024×700: column headers, the kind column, filters, go-to-seq errors and record links', async ({ page }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  const run = host.cli<{ run_id: string }>('run', 'examples.counter', '--vars', '{"n": 6}');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const ledger = page.getByRole('region', { name: 'Ledger' });
  await expect(ledger.locator('.ledger-head')).toContainText('Record');
  // The count fills in once the ledger's first page has loaded.
  const countNow = async () =>
    Number(/([\d,]+) records?/.exec((await ledger.getByLabel('Record count').textContent()) ?? '')?.[1]?.replace(/,/g, '') ?? 0);
  await expect.poll(countNow).toBeGreaterThan(6);
  const total = await countNow();
  const firstTitle = ledger.getByRole('list', { name: 'Ledger records' }).locator('.ledger-row .title').first();
  await expect(firstTitle).toBeVisible();
  expect((await firstTitle.boundingBox())!.width).toBeGreaterThan(60);

  // Filters: one kind, then text inside payloads.
  await ledger.getByLabel('Record kind').selectOption('completed');
  await expect(ledger.getByLabel('Record count')).toHaveText(`1 of ${total.toLocaleString('en-US')} records`);
  await expect(ledger.locator('[data-seq]')).toHaveCount(1);
  await expect(ledger.locator('[data-seq] .title')).toHaveText('completed');
  await ledger.getByLabel('Record kind').selectOption('');
  await ledger.getByRole('button', { name: 'Errors' }).click();
  await expect(ledger.getByText('No record matches these filters.')).toBeVisible();
  await ledger.getByRole('button', { name: 'All' }).click();
  await expect(ledger.getByLabel('Record count')).toHaveText(`${total.toLocaleString('en-US')} records`);

  // Go to seq: bad values are said, not ignored; a good one is selected, in view, and in the address.
  const goto = ledger.getByLabel('Go to seq');
  await goto.fill('abc');
  await goto.press('Enter');
  await expect(ledger.getByRole('alert')).toHaveText('“abc” is not a record number');
  await goto.fill('99999');
  await goto.press('Enter');
  await expect(ledger.getByRole('alert')).toHaveText(`No record #99999: this run has records #0–#${total - 1}`);
  await goto.fill('3');
  await goto.press('Enter');
  await expect(page).toHaveURL(new RegExp(`#/runs/${run.run_id}/records/3$`));
  await expect(ledger.locator('[data-seq="3"]')).toBeInViewport();
  await expect(page.getByLabel('Record 3')).toContainText('Link to record #3');
  await screenshot(page, 'ledger-1024-filters-goto');

  // The record's address opens it directly.
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/2?from=link`);
  await expect(page.getByLabel('Record 2')).toBeVisible();
  await expect(page.getByRole('region', { name: 'State' }).getByRole('heading')).toHaveText('State after #2');
});

test('search across runs finds a word inside a tool result of another run and links to that record', async ({ page }) => {
  await host.api('setSettings', { llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'scripted-model' } });
  const agent = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.agent' });
  host.cli('run', 'examples.counter', '--vars', '{"n": 2}');
  await page.goto(`${host.url}/#/runs`);
  await page.getByLabel('Words to find in any ledger').fill('5555');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const hits = page.getByRole('table', { name: 'Matching records' });
  const toolHit = hits.getByRole('row').filter({ hasText: 'examples.agent' }).filter({ hasText: 'effect · act' });
  await expect(toolHit).toHaveCount(1);
  await expect(toolHit.locator('mark')).toHaveText('5555');
  await screenshot(page, 'search-across-runs');
  await toolHit.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${agent.run_id}/records/\\d+$`));
  await expect(page.getByLabel('Tool results')).toContainText('5555');

  // Inside the run: effects only, then a word inside their payloads.
  const ledger = page.getByRole('region', { name: 'Ledger' });
  await ledger.getByRole('button', { name: 'Effects' }).click();
  await expect(ledger.locator('[data-seq] .title').first()).toContainText('·');
  const effects = await ledger.locator('[data-seq] .title').allTextContents();
  for (const t of effects) expect(t).toMatch(/^(llm_call|tool_calls) · /);
  await ledger.getByLabel('Search in records').fill('4321');
  // The model's call names it, the tool's records carry it; the first prompt does not.
  await expect(ledger.getByLabel('Record count')).toHaveText(new RegExp(`^${effects.length - 1} of `));
  await expect(ledger.locator('[data-seq] .title', { hasText: 'tool_calls · completed' })).toHaveCount(1);
  await screenshot(page, 'ledger-effects-search');
});

test('runs list: filters in the address, parent/child tree, what each run waits for, full ids on hover', async ({ page }) => {
  const parent = await host.api<{ run_id: string }>('startRun', {
    workflowId: 'examples.parent',
    vars: { childWorkflowId: 'examples.event', childVars: { eventName: 'approved' } },
  });
  await page.goto(`${host.url}/#/runs?workflow=examples.counter&status=completed`);
  const table = page.getByRole('table', { name: 'Runs list' });
  await expect(page.getByLabel('Workflow')).toHaveValue('examples.counter');
  await expect(page.getByLabel('Status')).toHaveValue('completed');
  for (const w of await table.locator('tbody tr td:nth-child(3)').allTextContents()) expect(w).toContain('examples.counter');

  await page.getByLabel('Workflow').selectOption('');
  await page.getByLabel('Status').selectOption('waiting');
  await expect(page).toHaveURL(/#\/runs\?status=waiting$/);
  const parentRow = table.locator(`tr[data-run-id="${parent.run_id}"]`);
  const childRow = parentRow.locator('xpath=following-sibling::tr[1]');
  await expect(childRow).toHaveAttribute('data-depth', '1');
  await expect(childRow).toContainText('Event “approved”');
  await expect(parentRow).toContainText('Child run');
  const parentId = parentRow.locator('.run-id a');
  await expect(parentId).toHaveAttribute('title', parent.run_id);
  expect(await parentId.textContent()).not.toBe(await childRow.locator('.run-id a').textContent());
  await screenshot(page, 'runs-tree-waiting-for');

  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('waiting');
});
