/** Driving runs: answer, resume, emit, cancel, pause, unpause, tick. */
import type { Command } from '../command';
import { formatRun } from '../format';
import { parseJsonArg } from '../jsonArg';
import { UsageError } from '../usageError';

const runReply = (ctx: Parameters<Command['run']>[0], run: import('../../../src-shared/types').RunState) =>
  ctx.out.result(run, () => formatRun(run));

export const controlCommands: Command[] = [
  {
    name: 'answer',
    usage: '<runId> <text>',
    summary: "answer the run's current ask_user question",
    options: { 'wait-key': { type: 'string', valueName: 'K', description: 'the wait being answered (default: the current one)' } },
    args: { min: 2, max: 2 },
    async run(ctx, { values, positionals }) {
      const waitKey = values['wait-key'] as string | undefined;
      runReply(ctx, await ctx.call('answer', { runId: positionals[0]!, text: positionals[1]!, ...(waitKey ? { waitKey } : {}) }));
    },
  },
  {
    name: 'resume',
    usage: '<runId> --wait-key K --payload JSON',
    summary: 'resume a waiting run with a payload (any wait reason)',
    options: {
      'wait-key': { type: 'string', valueName: 'K', description: 'the wait key shown by `show`' },
      payload: { type: 'string', valueName: 'JSON', description: 'the resume payload' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const waitKey = values['wait-key'] as string | undefined;
      if (!waitKey) throw new UsageError('resume needs --wait-key K (see `abstractruntime show <runId>`)');
      if (values.payload === undefined) throw new UsageError('resume needs --payload JSON, e.g. --payload \'{"ok": true}\'');
      const payload = parseJsonArg('--payload', values.payload as string);
      runReply(ctx, await ctx.call('resume', { runId: positionals[0]!, waitKey, payload: payload as never }));
    },
  },
  {
    name: 'emit',
    usage: '<eventName> [--payload JSON]',
    summary: 'emit an event: every run waiting for it resumes',
    options: { payload: { type: 'string', valueName: 'JSON', description: 'the event payload (default null)' } },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const payload = parseJsonArg('--payload', values.payload as string | undefined);
      const result = await ctx.call('emitEvent', {
        name: positionals[0]!,
        ...(payload !== undefined ? { payload: payload as never } : {}),
      });
      ctx.out.result(result, () =>
        result.delivered.length
          ? [`delivered to ${result.delivered.length} run(s):`, ...result.delivered]
          : ['no run was waiting for this event'],
      );
    },
  },
  {
    name: 'cancel',
    usage: '<runId> [--reason TEXT]',
    summary: 'cancel a run (and its children)',
    options: { reason: { type: 'string', valueName: 'TEXT', description: 'recorded in the ledger' } },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const reason = values.reason as string | undefined;
      runReply(ctx, await ctx.call('cancelRun', { runId: positionals[0]!, ...(reason ? { reason } : {}) }));
    },
  },
  {
    name: 'pause',
    usage: '<runId>',
    summary: 'pause a run: no steps, resumes or timers until unpaused',
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      runReply(ctx, await ctx.call('pauseRun', { runId: positionals[0]! }));
    },
  },
  {
    name: 'unpause',
    usage: '<runId>',
    summary: 'unpause a run and let it advance',
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      runReply(ctx, await ctx.call('unpauseRun', { runId: positionals[0]! }));
    },
  },
  {
    name: 'tick',
    usage: '',
    summary: 'fire due timers, advance runnable runs, recover interrupted ones, then exit',
    args: { min: 0, max: 0 },
    async run(ctx) {
      const report = await (await ctx.host()).tick();
      ctx.out.result(report, () => [
        `recovered ${report.recovered.length} run(s)${list(report.recovered)}`,
        `fired ${report.timersFired.length} timer(s)${list(report.timersFired)}`,
        `resumed ${report.parentsResumed.length} parent run(s)${list(report.parentsResumed)}`,
      ]);
    },
  },
];

function list(ids: string[]): string {
  return ids.length ? `: ${ids.join(', ')}` : '';
}
