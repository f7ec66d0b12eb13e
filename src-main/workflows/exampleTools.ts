/**
 * Tools the example workflows need beyond the built-ins. `append_line` is trusted and
 * deliberately NOT idempotent: appending twice changes the file, so a crash mid-call must
 * be settled by a person (recovery wait), never by a silent retry.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ToolRegistry } from '../effects/tools/index';

export interface ExampleToolOptions {
  /** Folders `append_line` may write in (default: the OS temp folder). */
  allowedFolders?: string[];
}

export function registerExampleTools(registry: ToolRegistry, opts: ExampleToolOptions = {}): void {
  const folders = (opts.allowedFolders ?? [tmpdir()]).map((f) => resolve(f));
  registry.register({
    name: 'append_line',
    description: 'Appends one line of text to a file inside an allowed folder (not idempotent).',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, line: { type: 'string' } },
      required: ['path', 'line'],
      additionalProperties: false,
    },
    trust: 'trusted',
    idempotent: false,
    timeoutMs: 5000,
    execute: (args) => {
      const { path, line } = args as { path: string; line: string };
      const target = resolve(path);
      if (!folders.some((f) => isInside(f, target))) {
        throw new Error(`append_line may only write inside ${folders.join(', ')}; ${target} is outside`);
      }
      if (line.includes('\n')) throw new Error('append_line writes one line: the text must not contain a newline');
      mkdirSync(dirname(target), { recursive: true });
      appendFileSync(target, `${line}\n`);
      return { path: target, appended: line };
    },
  });
}

function isInside(folder: string, target: string): boolean {
  const rel = relative(folder, target);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
