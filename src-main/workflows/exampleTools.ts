/**
 * Tools the example workflows need beyond the built-ins. `append_line` is trusted and
 * deliberately NOT idempotent: appending twice changes the file, so a crash mid-call must
 * be settled by a person (recovery wait), never by a silent retry. `write_note` does the
 * same write but needs a person's approval first (examples.toolapproval).
 */
import { tmpdir } from 'node:os';
import type { JsonSchema, ToolRegistry } from '../effects/tools/index';
import { PathPolicy } from '../effects/tools/builtins/pathPolicy';

export interface ExampleToolOptions {
  /** Folders `append_line` and `write_note` may write in (default: the OS temp folder). */
  allowedFolders?: string[] | (() => string[]);
  /** The runtime's own files: never written, whatever `allowedFolders` says. */
  forbiddenPaths?: string[];
}

export function registerExampleTools(registry: ToolRegistry, opts: ExampleToolOptions = {}): void {
  const policy = new PathPolicy({ allowed: opts.allowedFolders ?? [tmpdir()], forbidden: opts.forbiddenPaths ?? [] });
  registry.register({
    name: 'append_line',
    description: 'Appends one line of text to a file inside an allowed folder (not idempotent).',
    parameters: lineParameters('line'),
    trust: 'trusted',
    idempotent: false,
    timeoutMs: 5000,
    execute: async (args) => {
      const { path, line } = args as { path: string; line: string };
      return { path: await appendLine('append_line', policy, path, line), appended: line };
    },
  });
  registry.register({
    name: 'write_note',
    description: 'Appends a note (one line) to a file inside an allowed folder, once a person approves (not idempotent).',
    parameters: lineParameters('text'),
    trust: 'approval',
    idempotent: false,
    timeoutMs: 5000,
    execute: async (args) => {
      const { path, text } = args as { path: string; text: string };
      return { path: await appendLine('write_note', policy, path, text), written: text };
    },
  });
}

function lineParameters(textField: string): JsonSchema {
  return {
    type: 'object',
    properties: { path: { type: 'string' }, [textField]: { type: 'string' } },
    required: ['path', textField],
    additionalProperties: false,
  };
}

/** Appends `line` + newline to `path`, refusing paths PathPolicy refuses and multi-line text; returns the real path written. */
async function appendLine(tool: string, policy: PathPolicy, path: string, line: string): Promise<string> {
  if (line.includes('\n')) throw new Error(`${tool} writes one line: the text must not contain a newline`);
  let opened;
  try {
    opened = await policy.openForAppend(path);
  } catch (err) {
    throw new Error(`${tool} may only write inside ${policy.describeAllowed()}: ${(err as Error).message}`, { cause: err });
  }
  try {
    await opened.handle.appendFile(`${line}\n`);
  } finally {
    await opened.handle.close();
  }
  return opened.real;
}
