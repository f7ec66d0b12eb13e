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

test('an agent run shows its LLM calls (prompt, reply, tokens, latency) and tool calls', async ({ page }) => {
  await host.api('setSettings', { llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'scripted-model' } });
  const run = await host.api<{ run_id: string }>('startRun', { workflowId: 'examples.agent' });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await expect(page.locator('[data-node-id="act"]')).toContainText('×1');
  // The loop back from observe to plan runs round the side of the column (one edge, drawn as a loop).
  await expect(page.locator('.react-flow__edge.edge-loop')).toHaveCount(1);
  await expect(page.locator('.react-flow__edge.edge-loop[data-id="observe->plan"]')).toHaveCount(1);
  await screenshot(page, 'run-agent-loop-edge');

  const list = page.getByRole('list', { name: 'Ledger records' });
  await list.getByText('llm_call · completed').first().click();
  const detail = page.locator('.record-detail');
  await expect(detail.getByRole('heading', { name: /LLM call · scripted-model/ })).toBeVisible();
  await expect(detail).toContainText('tokens: 61 in / 18 out / 79 total');
  await expect(detail).toContainText(/latency \d+ ms/);
  await expect(detail.getByLabel('Prompt')).toContainText('What is 17 + 25?');
  await expect(detail.getByLabel('Reply')).toContainText('"name": "add"');
  await screenshot(page, 'run-agent-llm-call');

  await list.getByText('tool_calls · completed').first().click();
  await expect(page.getByLabel('Tool results')).toContainText('42');
});
