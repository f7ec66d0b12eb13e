/**
 * `open <folder> [--watch]`: the runs of a Python store folder, read where they are (nothing
 * is imported, no database is opened), each with its chain verdict; with --watch, every
 * record the Python runtime appends is printed as it lands, until Ctrl-C.
 */
import type { LedgerRecord } from '../../../src-shared/types';
import { verifyRunLedger } from '../../ledger/index';
import { EventBus } from '../../host/eventBus';
import { ForeignFolders } from '../../host/foreignFolders';
import type { Command } from '../command';
import { table } from '../output';
import { untilSignal } from './untilSignal';

export const openCommands: Command[] = [
  {
    name: 'open',
    usage: '<DIR> [--watch]',
    summary: "list the runs of a Python runtime's store folder, read-only, and follow its ledgers with --watch",
    options: { watch: { type: 'boolean', description: 'keep following the folder and print each new record' } },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const events = new EventBus();
      const folders = new ForeignFolders(events);
      try {
        const watchIt = values.watch === true;
        const view = folders.open(positionals[0]!, { watch: watchIt });
        const runs = view.runs.map((r) => ({ ...r, verify: verifyRunLedger(folders.storeOf(r.run_id)!, r.run_id) }));
        ctx.out.result({ path: view.path, runs, skipped: view.skipped }, () => [
          `${view.path} (Python store, read-only)`,
          ...(runs.length
            ? table(
                ['RUN', 'STATUS', 'WORKFLOW', 'NODE', 'RECORDS', 'INTEGRITY'],
                runs.map((r) => [r.run_id, r.status, r.workflow_id, r.current_node, String(r.ledger_seq + 1), integrity(r.verify)]),
              )
            : ['no runs']),
          ...view.skipped.map((s) => `cannot show run ${s.runId}: ${s.code}: ${s.message}`),
        ]);
        if (!watchIt) return;
        ctx.out.note('following the folder: press Ctrl-C to stop');
        const off = events.on('ledgerAppended', ({ runId, records }) => {
          for (const r of records) ctx.out.lines([ctx.out.json ? JSON.stringify({ runId, record: r }) : recordLine(runId, r)]);
        });
        await untilSignal();
        off();
      } finally {
        folders.close();
      }
    },
  },
];

function integrity(v: { valid: boolean; reason: string | null; firstBadSeq: number | null }): string {
  if (v.valid) return 'chain valid';
  if (v.reason === 'unchained') return 'no hash chain: integrity cannot be checked';
  return `BROKEN at seq ${v.firstBadSeq ?? '?'} (${v.reason ?? 'invalid'})`;
}

function recordLine(runId: string, r: LedgerRecord): string {
  return `run ${runId}  seq ${r.seq}  ${r.kind}  ${r.status}  node ${r.node_id ?? '-'}${r.effect ? `  ${r.effect.type}` : ''}`;
}
