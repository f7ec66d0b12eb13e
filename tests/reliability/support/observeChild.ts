/**
 * Looks at a database as an inspector would, from its own process (a database URL or a file,
 * through RuntimeHost.open as the app does): every run's state, the hash of every record,
 * and whether its chain verifies. Prints one JSON document on stdout.
 *
 * With `--retry-recoveries 1` it first plays the person for every run waiting on a recovery
 * decision (an effect interrupted by a crash) and answers `retry`, listing those in `retried`.
 *
 *   node --import tsx observeChild.ts --db URL_OR_FILE --data DIR [--retry-recoveries 1]
 */
import { RuntimeHost } from '../../../src-main/host/RuntimeHost';
import { verifyRunLedger } from '../../../src-main/ledger/index';
import type { RunState } from '../../../src-shared/types';

export interface Observation {
  runs: RunState[];
  /** run id → record hashes in seq order. */
  records: Record<string, string[]>;
  /** `run id: why` for each run whose chain does not verify. */
  invalid: string[];
  /** Runs whose recovery wait this process answered `retry`, with the line the interrupted append was writing. */
  retried: { runId: string; path: string; line: string }[];
}

/** The line an interrupted `append_line` was writing (from the recovery wait's details). */
function interruptedLine(state: RunState): string {
  const effect = (state.waiting?.details as { effect?: { payload?: { tool_calls?: { arguments?: { line?: string } }[] } } })?.effect;
  return effect?.payload?.tool_calls?.[0]?.arguments?.line ?? '?';
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const arg = (name: string) => argv[argv.indexOf(name) + 1] ?? '';
  const host = await RuntimeHost.open({ dbPath: arg('--db'), dataDir: arg('--data') });
  try {
    const out: Observation = { runs: [], records: {}, invalid: [], retried: [] };
    if (arg('--retry-recoveries') === '1') {
      for (const summary of (await host.store.listRuns({ status: 'waiting', limit: 10_000 })).runs) {
        const state = await host.store.getRun(summary.run_id);
        if (state?.status !== 'waiting' || state.waiting?.reason !== 'recovery') continue;
        await host.resume(state.run_id, state.waiting.wait_key, { action: 'retry' });
        out.retried.push({ runId: state.run_id, path: String(state.vars.path), line: interruptedLine(state) });
      }
      await host.whenIdle();
    }
    for (let cursor: string | null | undefined = undefined; ;) {
      const page = await host.store.listRuns({ limit: 500, ...(cursor ? { cursor } : {}) });
      for (const summary of page.runs) {
        const runId = summary.run_id;
        const state = await host.store.getRun(runId);
        if (!state) continue;
        out.runs.push(state);
        out.records[runId] = [...host.store.iterateLedger(runId)].map((r) => r.record_hash);
        const report = await verifyRunLedger(host.store, runId);
        if (!report.valid) out.invalid.push(`${runId}: ${report.message}`);
      }
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await host.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(2);
});
