/** Reading and starting runs: workflows, run, runs, show, ledger. */
import { RUN_STATUSES, type LedgerRecord, type RunStatus } from '../../../src-shared/types';
import { exactRecordsJson } from '../../ledger/index';
import type { Command } from '../command';
import { formatLedger, formatRun, formatRunView, formatRuns, formatWorkflows } from '../format';
import { parseJsonObjectArg } from '../jsonArg';
import { UsageError } from '../usageError';

const LEDGER_PAGE = 5000;

/** Vars the workflow's input schema does not declare (but allows): recorded in `run_started`, shown as warnings. */
async function inputWarnings(ctx: Parameters<Command['run']>[0], runId: string): Promise<string[]> {
  const { records } = await ctx.call('getLedger', { runId, limit: 1 });
  const started = records[0];
  const warnings = started?.kind === 'run_started' ? (started.result as { input_warnings?: unknown } | null)?.input_warnings : undefined;
  return Array.isArray(warnings) ? warnings.filter((w): w is string => typeof w === 'string') : [];
}

export const runCommands: Command[] = [
  {
    name: 'workflows',
    usage: '',
    summary: 'list the workflows this host can run',
    args: { min: 0, max: 0 },
    async run(ctx) {
      const workflows = await ctx.call('listWorkflows', {});
      ctx.out.result(workflows, () => formatWorkflows(workflows));
    },
  },
  {
    name: 'run',
    usage: '<workflowId> [--vars JSON] [--detach]',
    summary: 'start a run and advance it until it waits or ends; prints the run',
    options: {
      vars: { type: 'string', valueName: 'JSON', description: 'initial vars, a JSON object' },
      detach: { type: 'boolean', description: 'only create the run: a worker on the database advances it' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const vars = parseJsonObjectArg('--vars', values.vars as string | undefined);
      const run = await ctx.call('startRun', {
        workflowId: positionals[0]!,
        ...(vars ? { vars: vars as never } : {}),
        ...(values.detach ? { detach: true } : {}),
      });
      for (const warning of await inputWarnings(ctx, run.run_id)) ctx.out.note(`warning: ${warning}`);
      ctx.out.result(run, () => formatRun(run));
      return run.status === 'failed' ? 1 : 0;
    },
  },
  {
    name: 'runs',
    usage: '[--status S] [--workflow W] [--search TEXT] [--limit N] [--cursor C]',
    summary: 'list runs, newest first',
    options: {
      status: { type: 'string', valueName: 'S', description: `one of ${RUN_STATUSES.join(', ')}` },
      workflow: { type: 'string', valueName: 'W', description: 'only runs of this workflow id' },
      search: { type: 'string', valueName: 'TEXT', description: 'text in the run id, workflow, node or prompt' },
      limit: { type: 'string', valueName: 'N', description: 'at most N runs (default 100)' },
      cursor: { type: 'string', valueName: 'C', description: 'the next page: the cursor printed under the previous one' },
    },
    args: { min: 0, max: 0 },
    async run(ctx, { values }) {
      const status = values.status as string | undefined;
      if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus))
        throw new UsageError(`--status must be one of ${RUN_STATUSES.join(', ')}, got "${status}"`);
      const list = await ctx.call('listRuns', {
        ...(status ? { status: status as RunStatus } : {}),
        ...(values.workflow ? { workflowId: values.workflow as string } : {}),
        ...(values.search ? { search: values.search as string } : {}),
        limit: positiveInt('--limit', values.limit as string | undefined) ?? 100,
        ...(values.cursor ? { cursor: values.cursor as string } : {}),
      });
      ctx.out.result(list, () => [
        ...formatRuns(list.runs, list.total),
        ...(list.nextCursor ? [`next page: --cursor ${list.nextCursor}`] : []),
      ]);
    },
  },
  {
    name: 'show',
    usage: '<runId>',
    summary: 'show a run: status, wait, vars, output, children',
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      const view = await ctx.call('getRun', { runId: positionals[0]! });
      ctx.out.result(view, () => formatRunView(view));
    },
  },
  {
    name: 'ledger',
    usage: '<runId>',
    summary: "print a run's ledger records in order",
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      const records = await readWholeLedger(ctx, positionals[0]!);
      // --json: the numbers as they were hashed (a Python run's 1.0, -0.0, 2^53+1), not as doubles.
      if (ctx.out.json) return void ctx.out.lines([exactRecordsJson((await ctx.host()).store, positionals[0]!)]);
      ctx.out.result(records, () => formatLedger(records));
    },
  },
];

async function readWholeLedger(ctx: Parameters<Command['run']>[0], runId: string): Promise<LedgerRecord[]> {
  const all: LedgerRecord[] = [];
  for (;;) {
    const page = await ctx.call('getLedger', { runId, afterSeq: all.length ? all[all.length - 1]!.seq : -1, limit: LEDGER_PAGE });
    all.push(...page.records);
    if (page.records.length < LEDGER_PAGE) return all;
  }
}

export function positiveInt(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${option} must be a positive whole number, got "${text}"`);
  return n;
}
