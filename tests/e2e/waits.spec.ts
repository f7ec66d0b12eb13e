import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

interface Run {
  run_id: string;
  status: string;
  output: unknown;
  vars: Record<string, unknown>;
}

test('send the awaited event with a JSON payload to this run, then to every run waiting for it', async ({ page }) => {
  const one = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'approved' } });
  await page.goto(`${host.url}/#/runs/${one.run_id}`);
  const panel = page.getByRole('region', { name: 'Waiting for an event' });
  await expect(panel.getByRole('heading')).toHaveText('Waiting for the event “approved”');
  await panel.getByLabel('Event payload (JSON)').fill('{"by": "ana", "ticket": 4521}');
  await screenshot(page, 'wait-event-send');
  await panel.getByRole('button', { name: 'Send to this run' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  expect((await host.api<{ state: Run }>('getRun', { runId: one.run_id })).state.output).toEqual({ event: { by: 'ana', ticket: 4521 } });

  const a = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'shipped' } });
  const b = await host.api<Run>('startRun', { workflowId: 'examples.event', vars: { eventName: 'shipped' } });
  await page.goto(`${host.url}/#/runs/${a.run_id}`);
  await page
    .getByRole('region', { name: 'Waiting for an event' })
    .getByRole('button', { name: 'Send to every run waiting for “shipped”' })
    .click();
  await expect(page.getByRole('status').filter({ hasText: 'Delivered to 2 runs.' })).toBeVisible();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  expect((await host.api<{ state: Run }>('getRun', { runId: b.run_id })).state.status).toBe('completed');
});

test('a timer wait counts down and can be fired now; pause holds it, unpause releases it', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.timer', vars: { delayMs: 3_600_000 } });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const panel = page.getByRole('region', { name: 'Waiting for a timer' });
  await expect(panel.getByLabel('Time left')).toHaveText(/^fires in (59 min \d+ s|1 h 0 min 0 s)$/);

  await page.getByRole('toolbar', { name: 'Run controls' }).getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('status', { name: 'Why the run is halted' })).toContainText('Paused at “wait”');
  await expect(panel.getByRole('button', { name: 'Fire timer now' })).toBeDisabled();
  await screenshot(page, 'wait-timer-paused');
  await page.getByRole('status', { name: 'Why the run is halted' }).getByRole('button', { name: 'Unpause the run' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('waiting');

  await panel.getByRole('button', { name: 'Fire timer now' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  const ledger = await host.api<{ records: { kind: string; actor: { kind: string } | null }[] }>('getLedger', {
    runId: run.run_id,
    limit: 100,
  });
  expect(ledger.records.find((r) => r.kind === 'resumed')?.actor?.kind).toBe('user');
});

test('a run halted in step mode says so and offers the next step', async ({ page }) => {
  const run = await host.api<Run>('startRun', { workflowId: 'examples.counter', vars: { n: 2 }, stepMode: true });
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const notice = page.getByRole('status', { name: 'Why the run is halted' });
  await expect(notice).toContainText('Halted in step mode before “count”');
  await screenshot(page, 'run-halted-step-mode');
  const steps = async () => Number(/(\d+) steps?/.exec((await page.locator('.run-header').textContent()) ?? '')?.[1]);
  const before = await steps();
  await notice.getByRole('button', { name: 'Run the next step' }).click();
  await expect.poll(steps).toBe(before + 1);
});
