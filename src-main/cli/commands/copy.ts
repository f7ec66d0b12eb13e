/** `copy`: every run of one database into another (SQLite <-> PostgreSQL), verified, never overwriting. */
import { copyRuns } from '../../ledger/copyRuns';
import { openRuntimeStore } from '../../store/openRuntimeStore';
import type { Command } from '../command';
import { UsageError } from '../usageError';

export const copyCommands: Command[] = [
  {
    name: 'copy',
    usage: '--from DB --to DB',
    summary:
      'copy every run (ledger, snapshots, artifacts, signed heads) from one database to another, each chain verified; never overwrites',
    options: {
      from: { type: 'string', valueName: 'DB', description: 'the database to read (a SQLite path or a postgres:// URL); opened read-only' },
      to: { type: 'string', valueName: 'DB', description: 'the database to write (created or migrated if needed)' },
    },
    args: { min: 0, max: 0 },
    async run(ctx, { values }) {
      const fromSpec = values.from as string | undefined;
      const toSpec = values.to as string | undefined;
      if (!fromSpec || !toSpec) throw new UsageError('copy needs --from DB and --to DB');
      const from = openRuntimeStore(fromSpec, { readonly: true });
      try {
        const to = openRuntimeStore(toSpec);
        try {
          if (from.label === to.label) throw new UsageError('--from and --to name the same database');
          const report = copyRuns(from.store, to.store, { fromLabel: from.label, toLabel: to.label });
          await to.store.whenDurable();
          ctx.out.result({ from: from.label, to: to.label, ...report }, () => [
            `copied ${report.copied.length} runs (${report.records} records, ${report.snapshots} snapshots, ${report.artifacts} artifacts) from ${from.label} to ${to.label}`,
            ...(report.alreadyThere.length ? [`${report.alreadyThere.length} runs were already there with the same ledger`] : []),
          ]);
        } finally {
          to.store.close();
        }
      } finally {
        from.store.close();
      }
    },
  },
];
