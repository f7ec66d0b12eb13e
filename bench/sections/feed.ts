/**
 * Change-feed latency: process A (bench/queue/feedWriter.ts) commits new runs, one every
 * few ms; this process, a host following the feed as `serve` and the desktop app do,
 * receives them as `runUpdated`. Latency = event received here − clock read in A just
 * before its commit (one machine, one clock). p50/p95 over all commits, target p95 < 100 ms.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { durationFigure, median, type Figure } from '../report';

export interface FeedOptions {
  dir: string;
  commits: number;
  gapMs: number;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

export async function benchFeed(o: FeedOptions): Promise<Figure[]> {
  const file = join(o.dir, 'feed.db');
  const host = await RuntimeHost.open({ dbPath: file, dataDir: join(o.dir, 'feed-data'), env: {}, projectFile: null });
  const latencies: number[] = [];
  const off = host.events.on('runUpdated', ({ run }) => {
    const m = /^feed-(\d+)-\d+$/.exec(run.run_id);
    if (m) latencies.push(Date.now() - Number(m[1]));
  });
  host.changeFeed.start();
  try {
    await new Promise<void>((resolve, reject) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', join('bench', 'queue', 'feedWriter.ts'), file, String(o.commits), String(o.gapMs)],
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    for (let i = 0; i < 100 && latencies.length < o.commits; i++) await new Promise((r) => setTimeout(r, 20));
  } finally {
    off();
    await host.close();
  }
  if (latencies.length !== o.commits) throw new Error(`change feed delivered ${latencies.length} of ${o.commits} commits`);
  const note = `${o.commits} commits by another process, ${o.gapMs} ms apart; feed polls PRAGMA data_version every 25 ms`;
  return [
    durationFigure('change feed: commit in process A → event in B, p50', 'ms', median(latencies), { limit: 100 }, { target: '—', note }),
    durationFigure(
      'change feed: commit in process A → event in B, p95',
      'ms',
      percentile(latencies, 95),
      { limit: 100 },
      { target: 'p95 < 100 ms', note },
    ),
  ];
}
