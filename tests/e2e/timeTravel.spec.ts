import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

interface Run {
  run_id: string;
  status: string;
}

test('fork from a record with an edited var: the preview lists the effect that will run again', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'approved' } });
  await host.api('emitEvent', { name: 'approved', payload: { ok: true } });
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/0`);
  await page.getByLabel('Record 0').getByRole('button', { name: 'Fork from here…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fork a new run from record #0?' });
  await expect(dialog.getByRole('list', { name: 'Effects that will run again' })).toContainText('wait_event at wait');
  await expect(dialog.getByLabel('Results reused')).toContainText('Results reused from the ledger: 0');
  const vars = dialog.getByLabel('Vars of the new run (JSON; edit before forking)');
  await vars.fill('{"eventName": "shipped"}');
  await expect(dialog.getByLabel('Edited vars')).toHaveText("Edited: eventName (recorded in the fork's first record)");
  await screenshot(page, 'time-travel-fork-preview');
  await dialog.getByRole('button', { name: 'Fork the new run' }).click();

  await expect(page.getByRole('region', { name: 'Waiting for an event' }).getByRole('heading')).toHaveText(
    'Waiting for the event “shipped”',
  );
  await expect(page.getByRole('navigation', { name: 'Related runs' })).toContainText('Forked from');
  const list = page.getByRole('list', { name: 'Ledger records' });
  await list.locator('[data-seq="0"]').click();
  await expect(page.getByLabel('Record 0')).toContainText('"edited_vars"');
  await expect(page.getByLabel('Record 0')).toContainText('"shipped"');
});

test('fork with edited vars the input schema refuses: the dialog names the field and will not fork', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'approved' } });
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/0`);
  await page.getByLabel('Record 0').getByRole('button', { name: 'Fork from here…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Fork a new run from record #0?' });
  await expect(dialog).toContainText('Edited vars are checked against the input schema of Event wait before forking.');
  const vars = dialog.getByLabel('Vars of the new run (JSON; edit before forking)');
  const fork = dialog.getByRole('button', { name: 'Fork the new run' });
  const refused = dialog.getByRole('alert', { name: 'Vars refused by the input schema' });
  await vars.fill('{"eventName": ""}');
  await expect(refused).toContainText('eventName: needs at least 1 characters');
  await expect(fork).toBeDisabled();
  await vars.fill('{"eventName": "shipped", "evntName": "typo"}');
  await expect(refused).toContainText('evntName: is not an input of examples.event');
  await expect(refused).not.toContainText('eventName:');
  await expect(fork).toBeDisabled();
  await screenshot(page, 'time-travel-fork-schema');
  await vars.fill('{"eventName": "shipped"}');
  await expect(refused).toHaveCount(0);
  await fork.click();
  await expect(page.getByRole('region', { name: 'Waiting for an event' }).getByRole('heading')).toHaveText(
    'Waiting for the event “shipped”',
  );
});

test('restore to a record: the wait re-arms, later records are marked superseded, left out of the graph and step count, and can be hidden', async ({
  page,
}) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'approved' } });
  await host.api('emitEvent', { name: 'approved', payload: { first: true } });
  const ledger = await host.api<{ records: { seq: number; kind: string; status: string }[]; total: number }>('getLedger', {
    runId: run.run_id,
    limit: 100,
  });
  const waiting = ledger.records.find((r) => r.kind === 'effect' && r.status === 'waiting')!;
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/${waiting.seq}`);
  const steps = page.getByTestId('run-steps');
  const doneNode = page.locator('.wf-node[data-node-id="done"]');
  await expect(steps).toHaveText('2 steps');
  await expect(doneNode).toHaveAttribute('aria-label', 'Node Done: completed, 1 visits');
  await page.getByLabel(`Record ${waiting.seq}`).getByRole('button', { name: 'Restore to here…' }).click();
  const dialog = page.getByRole('dialog', { name: `Restore the run to record #${waiting.seq}?` });
  await expect(dialog.getByLabel('Wait that re-arms')).toContainText('for event “approved”');
  await expect(dialog).toContainText(`${ledger.total - 1 - waiting.seq} later records stay in the ledger, marked superseded`);
  await dialog.getByRole('button', { name: `Restore to #${waiting.seq}` }).click();

  await expect(page.locator('.run-header .pill')).toHaveText('waiting');
  const list = page.getByRole('list', { name: 'Ledger records' });
  const superseded = list.locator('[data-superseded="true"]');
  await expect(superseded).toHaveCount(ledger.total - 1 - waiting.seq);
  await expect(list.locator(`[data-seq="${waiting.seq}"]`)).not.toHaveAttribute('data-superseded', 'true');
  await list.locator(`[data-seq="${waiting.seq}"]`).click(); // collapse the detail: the superseded rows come into view
  await expect(page.getByRole('region', { name: 'Snapshots' })).toContainText(`record #${waiting.seq}`);
  // The rolled-back step into "done" is not on the path, nor counted; the toggle counts it again.
  await expect(steps).toHaveText('1 step');
  await expect(doneNode).toHaveAttribute('aria-label', 'Node Done: idle, 0 visits');
  await expect(page.locator('.react-flow__edge.edge-taken')).toHaveCount(0);
  await screenshot(page, 'time-travel-superseded');
  const countSuperseded = page.getByLabel('Count superseded steps (1 rolled back by restores)');
  await countSuperseded.check();
  await expect(steps).toHaveText('2 steps (with superseded)');
  await expect(doneNode).toHaveAttribute('aria-label', 'Node Done: visited, 1 visits');
  await countSuperseded.uncheck();
  await expect(steps).toHaveText('1 step');
  await page.getByLabel('Hide superseded').check();
  await expect(superseded).toHaveCount(0);
  await expect(list.locator(`[data-seq="${waiting.seq}"]`)).toBeVisible();

  // The restored wait answers like the first one.
  await page.getByRole('region', { name: 'Waiting for an event' }).getByLabel('Event payload (JSON)').fill('{"second": true}');
  await page.getByRole('region', { name: 'Waiting for an event' }).getByRole('button', { name: 'Send to this run' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  await expect(steps).toHaveText('2 steps');
  await expect(doneNode).toHaveAttribute('aria-label', 'Node Done: completed, 1 visits');
});

test('a record inside a step offers no time travel and says why', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'x' } });
  await page.goto(`${host.url}/#/runs/${run.run_id}/records/1`);
  await expect(page.getByLabel('Record 1')).toContainText('no time travel from inside a step');
  await expect(page.getByLabel('Record 1').getByRole('button', { name: 'Fork from here…' })).toHaveCount(0);
});

test('a failed run says why and retries its failed step (a restore with its preview)', async ({ page }) => {
  const { startScriptedOpenAiServer } = await import('../support/scriptedOpenAiServer');
  const llm = await startScriptedOpenAiServer([
    { status: 400, body: { error: { message: 'the model is not available' } } },
    { content: 'Hello again.', usage: { prompt_tokens: 5, completion_tokens: 3 }, model: 'scripted-model' },
  ]);
  try {
    await host.api('setSettings', { llm: { mode: 'local', baseUrl: llm.baseUrlV1, model: 'scripted-model' } });
    const run = await host.api<Run>('startRun', { workflowId: 'examples.agent' });
    expect(run.status).toBe('failed');
    await page.goto(`${host.url}/#/runs/${run.run_id}`);
    const panel = page.getByRole('region', { name: 'Why the run failed' });
    await expect(panel).toContainText('The run failed at “plan”');
    await expect(panel).toContainText('the model is not available');
    await panel.getByRole('button', { name: 'Retry the failed step…' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog.getByRole('list', { name: 'Effects that will run again' })).toContainText('llm_call at plan');
    await screenshot(page, 'failed-run-retry');
    await dialog.getByRole('button', { name: /^Restore to #\d+$/ }).click();
    await expect(page.locator('.run-header .pill')).toHaveText('completed');
  } finally {
    await llm.close();
  }
});
