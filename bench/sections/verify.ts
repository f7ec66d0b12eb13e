/**
 * Verification rate: records per second of `verifyRunLedger` over a long run made by the
 * real runtime, against the raw SHA-256 rate over the very bytes that are hashed (each
 * row's stored canonical body). Target: at least half the raw rate.
 */
import { join } from 'node:path';
import { verifyChain } from '../../src-main/ledger/verifyChain';
import { verifyRunLedger } from '../../src-main/ledger/index';
import { RAW_SHA256_API, rawSha256Rate } from '../raw/sqliteLimit';
import { openOurs } from '../ours/harness';
import { loopWorkflow } from '../ours/workflows';
import { median, rateFigure, type Figure } from '../report';
import type { VerifyReport } from '../../src-shared/types';

export interface VerifyOptions {
  dir: string;
  records: number;
  repeats: number;
}

function timedRate(verify: () => VerifyReport): number {
  const t0 = performance.now();
  const report = verify();
  const ms = performance.now() - t0;
  if (!report.valid) throw new Error(`verify failed: ${report.message}`);
  return (report.records * 1000) / ms;
}

export async function benchVerify(o: VerifyOptions): Promise<Figure[]> {
  const wf = loopWorkflow();
  const h = openOurs(join(o.dir, 'verify.db'), 'process', [wf]);
  try {
    const run = await h.runtime.start(wf.id, { count: 0, n: o.records });
    let state = run;
    while (state.status === 'running') state = await h.runtime.tick(run.run_id, { maxSteps: 10_000 });
    if (state.status !== 'completed') throw new Error(`verify workload ended ${state.status}`);
    const rows = [...h.store.iterateLedgerRows(run.run_id)];
    const bodies = rows.map((r) => Buffer.from(r.body, 'utf8'));
    const chain: number[] = [];
    const endToEnd: number[] = [];
    const raw: number[] = [];
    const rawCreateHash: number[] = [];
    verifyRunLedger(h.store, run.run_id); // warm-up
    for (let r = 0; r < o.repeats; r++) {
      chain.push(timedRate(() => verifyChain(rows, { runId: run.run_id })));
      endToEnd.push(timedRate(() => verifyRunLedger(h.store, run.run_id)));
      raw.push(rawSha256Rate(bodies).perSec);
      rawCreateHash.push(rawSha256Rate(bodies, 'createHash').perSec);
    }
    const rawNote = `raw = sha256 of each stored canonical body (bytes, in memory) with ${RAW_SHA256_API}; createHash per record would give ${Math.round(median(rawCreateHash)).toLocaleString('en-US')}/s`;
    const shape = `${rows.length.toLocaleString('en-US')} records of one run made by the runtime; ${rawNote}; median of ${o.repeats}`;
    return [
      rateFigure(
        'verifyChain vs raw SHA-256 of the same bytes',
        'records/s',
        median(chain),
        { limit: median(raw) },
        {
          target: '≥ 0.5×',
          note: `${shape}; verifyChain over the rows already in memory`,
        },
      ),
      rateFigure(
        'verifyRunLedger (from SQLite) vs raw SHA-256',
        'records/s',
        median(endToEnd),
        { limit: median(raw) },
        {
          target: '≥ 0.5×',
          note: `${shape}; end to end: rows paged out of SQLite, then verified`,
        },
      ),
    ];
  } finally {
    h.close();
  }
}
