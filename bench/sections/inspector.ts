/**
 * The inspector in Chromium against the web host:
 * - time to first render: from navigation to the first real ledger row on screen, for a run
 *   with a 100,000-record ledger;
 * - live-update latency: a run advanced one committed step at a time at ~1,000 steps/s;
 *   for each record, the time from its commit (the host's ledgerAppended event) to its row
 *   appearing in the page (MutationObserver on `data-seq` rows).
 * Needs the built renderer (out/web; built here if missing) and /usr/bin/chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { startWebHost } from '../../src-main/transport/web/index';
import { generateScaleDb } from '../scale/generate';
import { pacedLoopWorkflow } from '../ours/workflows';
import { epochNow, launchChromium, openObservedPage, rowsSeen } from '../inspector/browser';
import { median, type Figure } from '../report';
import type { CommitBatch } from '../../src-main/runtime/contracts';

export interface InspectorOptions {
  dir: string;
  records: number;
  liveSteps: number;
  stepsPerSec: number;
}

const STATIC_DIR = join(process.cwd(), 'out', 'web');
const ROW = '.ledger-row[data-seq]:not(.placeholder)';

function ensureRendererBuilt(): void {
  if (existsSync(join(STATIC_DIR, 'index.html'))) return;
  process.stderr.write('bench: inspector: building the renderer (npm run build:web)…\n');
  execFileSync('npx', ['vite', 'build', '--config', 'vite.web.config.ts'], { stdio: 'inherit' });
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function benchInspector(o: InspectorOptions): Promise<Figure[]> {
  ensureRendererBuilt();
  const dbPath = join(o.dir, 'inspector.db');
  const gen = generateScaleDb(dbPath, { runs: 1, bigLedger: o.records });
  const wf = pacedLoopWorkflow(o.stepsPerSec);
  const host = await RuntimeHost.open({ dbPath, dataDir: join(o.dir, 'inspector-data'), workflows: [wf] });
  const web = await startWebHost({ handlers: createApiHandlers(host), events: host.events, port: 0, staticDir: STATIC_DIR });
  const browser = await launchChromium();
  try {
    const firstRender: number[] = [];
    for (let r = 0; r < 4; r++) {
      const page = await openObservedPage(browser);
      const t0 = epochNow();
      await page.goto(`${web.url}#/runs/${encodeURIComponent(gen.bigRunId)}`);
      await page.waitForSelector(ROW, { timeout: 60_000 });
      const seen = Object.values(await rowsSeen(page));
      if (r > 0) firstRender.push(Math.min(...seen) - t0); // the first load warms Chromium's caches
      await page.close();
    }

    const live = await liveLatency(host, web.url, wf.id, o, browser);
    const big = o.records >= 1000 ? `${o.records / 1000}k` : String(o.records);
    return [
      {
        name: `inspector: first ledger row, ${big}-record run`,
        unit: 'ms',
        ours: median(firstRender),
        limit: 1000,
        ratio: 1000 / median(firstRender),
        better: 'lower',
        target: '< 1 s',
        note: `Chromium headless, navigation → first real row in the DOM; median of ${firstRender.length} warm loads`,
      },
      { name: 'inspector: commit → screen, median', unit: 'ms', ours: live.median, ratio: null, better: 'lower', note: live.note },
      { name: 'inspector: commit → screen, p95', unit: 'ms', ours: live.p95, ratio: null, better: 'lower', note: live.note },
    ];
  } finally {
    await browser.close();
    await web.close();
    await host.close();
  }
}

async function liveLatency(
  host: RuntimeHost,
  url: string,
  workflowId: string,
  o: InspectorOptions,
  browser: Awaited<ReturnType<typeof launchChromium>>,
): Promise<{ median: number; p95: number; note: string }> {
  // Held in step mode until the page shows it; the breakpoint makes every step its own commit.
  const run = await host.startRun(workflowId, { count: 0, n: o.liveSteps }, { stepMode: true });
  host.setBreakpoints(run.run_id, ['never']);
  const page = await openObservedPage(browser);
  await page.goto(`${url}#/runs/${encodeURIComponent(run.run_id)}`);
  await page.waitForSelector(ROW, { timeout: 30_000 });
  await sleep(500);
  // Stamped the moment store.commit returns: the record is durable from then on.
  const committedAt = new Map<number, number>();
  const store = host.store as { commit(b: CommitBatch): void };
  const commit = store.commit.bind(store);
  store.commit = (b: CommitBatch) => {
    commit(b);
    if (b.state.run_id !== run.run_id) return;
    const t = epochNow();
    for (const r of b.records) committedAt.set(r.seq, t);
  };
  const off = () => {
    store.commit = commit;
  };
  const t0 = performance.now();
  await host.setStepMode(run.run_id, false); // advances to the end, paced by the workflow
  const achieved = (o.liveSteps * 1000) / (performance.now() - t0);
  await sleep(1500);
  off();
  const seen = await rowsSeen(page);
  await page.close();
  const lat: number[] = [];
  for (const [seq, t] of committedAt) {
    const s = seen[String(seq)];
    if (s !== undefined) lat.push(s - t);
  }
  const note = `${o.liveSteps} steps, one commit each (durability full), paced at ${Math.round(achieved)} steps/s achieved (target ${o.stepsPerSec}); ${lat.length} of ${committedAt.size} committed rows seen on screen (the view follows the tail; rows scrolled past between frames are not counted)`;
  return { median: median(lat), p95: percentile(lat, 95), note };
}
