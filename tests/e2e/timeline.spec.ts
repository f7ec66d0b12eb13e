import { expect, test } from '@playwright/test';
import { startScriptedOpenAiServer, type ScriptedOpenAiServer } from '../support/scriptedOpenAiServer';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
let llm: ScriptedOpenAiServer;
test.beforeAll(async () => {
  llm = await startScriptedOpenAiServer([
    {
      toolCalls: [{ name: 'add', arguments: { a: 17, b: 25 }, id: 'call-add' }],
      usage: { prompt_tokens: 61, completion_tokens: 18 },
      model: 'scripted-model',
    },
    { content: '17 + 25 = 42', usage: { prompt_tokens: 90, completion_tokens: 9 }, model: 'scripted-model' },
  ]);
  host = await startWebHost();
});
test.afterAll(async () => {
  await host?.stop();
  await llm?.close();
});

test('the timeline of the agent run shows its steps, LLM and tool latencies, linked to their records', async ({ page }) => {
  await host.api('setSettings', { llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'scripted-model' } });
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.agent' });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await page.getByRole('navigation', { name: 'Run views' }).getByRole('link', { name: 'Timeline' }).click();
  await expect(page).toHaveURL(/\?view=timeline$/);
  const timeline = page.getByLabel('Timeline', { exact: true });
  const rows = timeline.locator('.timeline-row');
  await expect(rows.filter({ hasText: 'llm_call' })).toHaveCount(2);
  await expect(rows.filter({ hasText: 'tool_calls' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'step plan' }).first()).toBeVisible();
  for (const d of await timeline.locator('.timeline-dur').allTextContents()) expect(d).toMatch(/^\d+(\.\d+)? (ms|s)$/);
  await screenshot(page, 'run-timeline-agent');

  // A span leads to its record; the address keeps the view.
  await rows.filter({ hasText: 'tool_calls' }).getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`#/runs/${run.run_id}/records/\\d+\\?view=timeline$`));
  await page.getByRole('navigation', { name: 'Run views' }).getByRole('link', { name: 'Ledger' }).click();
  await expect(page.getByLabel('Tool results')).toContainText('42');
});

test('a waiting run shows its wait as an open span', async ({ page }) => {
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.event', vars: { eventName: 'later' } });
  await page.goto(`${host.url}/#/runs/${run.run_id}?view=timeline`);
  const wait = page.getByLabel('Timeline', { exact: true }).locator('.timeline-row[data-kind="wait"]');
  await expect(wait).toContainText('waiting: event later');
  await expect(wait.locator('.timeline-bar')).toHaveClass(/open/);
});
