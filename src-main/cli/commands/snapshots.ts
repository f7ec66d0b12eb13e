/** Bookmarks: snapshot, snapshots, restore, fork. */
import type { Command } from '../command';
import { formatRun, formatSnapshots } from '../format';
import { parseJsonObjectArg } from '../jsonArg';
import { positiveInt } from './runs';

export const snapshotCommands: Command[] = [
  {
    name: 'snapshot',
    usage: '<runId> --name N [--tag T]… [--description TEXT]',
    summary: "bookmark a run's current state",
    options: {
      name: { type: 'string', valueName: 'N', description: 'the bookmark name (required)' },
      tag: { type: 'string', multiple: true, valueName: 'T', description: 'a tag; repeat for several' },
      description: { type: 'string', valueName: 'TEXT', description: 'a longer note' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const tags = values.tag as string[] | undefined;
      const description = values.description as string | undefined;
      const snap = await ctx.call('createSnapshot', {
        runId: positionals[0]!,
        name: (values.name as string | undefined) ?? '',
        ...(tags?.length ? { tags } : {}),
        ...(description !== undefined ? { description } : {}),
      });
      ctx.out.result(snap, () => [`snapshot ${snap.snapshot_id} "${snap.name}" of run ${snap.run_id} at seq ${snap.ledger_seq}`]);
    },
  },
  {
    name: 'snapshots',
    usage: '[--run R] [--search TEXT] [--limit N]',
    summary: 'list or search snapshots (name, description, tags)',
    options: {
      run: { type: 'string', valueName: 'R', description: 'only snapshots of this run' },
      search: { type: 'string', valueName: 'TEXT', description: 'text to look for' },
      limit: { type: 'string', valueName: 'N', description: 'at most N snapshots' },
    },
    args: { min: 0, max: 0 },
    async run(ctx, { values }) {
      const limit = positiveInt('--limit', values.limit as string | undefined);
      const snaps = await ctx.call('searchSnapshots', {
        ...(values.run ? { runId: values.run as string } : {}),
        ...(values.search ? { text: values.search as string } : {}),
        ...(limit ? { limit } : {}),
      });
      ctx.out.result(snaps, () => formatSnapshots(snaps));
    },
  },
  {
    name: 'restore',
    usage: '<snapshotId>',
    summary: "roll the snapshot's run back to it (recorded in the ledger)",
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      const run = await ctx.call('restoreSnapshot', { snapshotId: positionals[0]! });
      ctx.out.result(run, () => formatRun(run));
    },
  },
  {
    name: 'fork',
    usage: '<snapshotId> [--vars JSON]',
    summary: 'start a new run from a snapshot, optionally with changed vars',
    options: { vars: { type: 'string', valueName: 'JSON', description: 'vars to overwrite, a JSON object' } },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const vars = parseJsonObjectArg('--vars', values.vars as string | undefined);
      const run = await ctx.call('forkSnapshot', { snapshotId: positionals[0]!, ...(vars ? { vars: vars as never } : {}) });
      ctx.out.result(run, () => formatRun(run));
    },
  },
];
