import { expect, test } from '@playwright/test';
import { screenshot } from './support/screens';
import { startWebHost, type WebHost } from './support/webHost';

let host: WebHost;
test.beforeAll(async () => (host = await startWebHost()));
test.afterAll(async () => host?.stop());

test('decision edges are labelled, the branch taken is marked, the legend explains', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  const run = host.cli<{ run_id: string }>('run', 'examples.approval');
  await page.goto(`${host.url}/#/runs/${run.run_id}`);
  const graph = page.getByLabel('Workflow graph');
  const approved = graph.locator('.edge-label[data-edge="route->act"]');
  const rejected = graph.locator('.edge-label[data-edge="route->done"]');
  await expect(approved).toHaveText('approved');
  await expect(rejected).toHaveText('rejected');
  // Nothing decided yet: neither branch is taken.
  await expect(approved).toHaveAttribute('data-taken', 'false');
  await expect(approved).toHaveAttribute('title', 'approved: when the answer is "approve" · not taken');

  await page.getByRole('radio', { name: 'approve' }).check();
  await page.getByRole('button', { name: 'Send answer' }).click();
  await expect(page.locator('.run-header .pill')).toHaveText('completed');
  // Both ends of route->done were visited, yet the ledger shows the run went through act.
  await expect(approved).toHaveAttribute('data-taken', 'true');
  await expect(approved).toHaveText('✓ approved');
  await expect(rejected).toHaveAttribute('data-taken', 'false');
  await expect(graph.locator('.react-flow__edge.edge-taken[data-id="route->done"]')).toHaveCount(0);
  await expect(graph.locator('.react-flow__edge.edge-taken[data-id="route->act"]')).toHaveCount(1);

  // Every label is readable: it overlaps no node.
  const nodeBoxes = await graph.locator('.wf-node').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
  for (const label of [approved, rejected]) {
    const b = (await label.boundingBox())!;
    for (const n of nodeBoxes as { x: number; y: number; width: number; height: number }[]) {
      const apart = b.x + b.width <= n.x || b.x >= n.x + n.width || b.y + b.height <= n.y || b.y >= n.y + n.height;
      expect(apart, `label "${await label.textContent()}" over a node`).toBe(true);
    }
  }
  const legend = page.getByRole('list', { name: 'Graph legend' });
  await expect(legend).toContainText('branch taken');
  await expect(legend).toContainText('branch not taken (hover a label: when it is taken)');
  await screenshot(page, 'run-decision-edge-labels');

  // A workflow without decisions shows no label and no label legend.
  const timer = host.cli<{ run_id: string }>('run', 'examples.event');
  await page.goto(`${host.url}/#/runs/${timer.run_id}`);
  await expect(page.locator('[data-node-id="done"]')).toBeVisible();
  await expect(graph.locator('.edge-label')).toHaveCount(0);
  await expect(legend).not.toContainText('branch taken');
});
