/** current_time and add: pure, trusted, idempotent (re-running them changes nothing outside). */
import type { ToolDefinition } from '../registry';

export const currentTimeTool: ToolDefinition = {
  name: 'current_time',
  description: 'The current date and time (ISO 8601 UTC, epoch ms, and wall-clock time in an optional IANA time zone).',
  parameters: {
    type: 'object',
    properties: { timezone: { type: 'string', minLength: 1 } },
    additionalProperties: false,
  },
  trust: 'trusted',
  idempotent: true,
  timeoutMs: 1000,
  execute: (args, ctx) => {
    const timezone = (args.timezone as string | undefined) ?? 'UTC';
    let local: string;
    try {
      local = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short', timeStyle: 'medium', hourCycle: 'h23' }).format(
        ctx.now,
      );
    } catch {
      throw new Error(`unknown time zone ${JSON.stringify(timezone)}`);
    }
    return { iso: ctx.now.toISOString(), epoch_ms: ctx.now.getTime(), timezone, local };
  },
};

/** A demo tool for the agent example and tests. */
export const addTool: ToolDefinition = {
  name: 'add',
  description: 'Adds two numbers.',
  parameters: {
    type: 'object',
    properties: { a: { type: 'number' }, b: { type: 'number' } },
    required: ['a', 'b'],
    additionalProperties: false,
  },
  trust: 'trusted',
  idempotent: true,
  timeoutMs: 1000,
  execute: (args) => ({ sum: (args.a as number) + (args.b as number) }),
};
