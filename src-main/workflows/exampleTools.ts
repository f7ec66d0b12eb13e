/**
 * Tools the example workflows need beyond the built-ins. `append_line` is trusted and
 * deliberately NOT idempotent: appending twice changes the file, so a crash mid-call must
 * be settled by a person (recovery wait), never by a silent retry. `write_note` does the
 * same write but needs a person's approval first (examples.toolapproval).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { JsonSchema, ToolRegistry } from '../effects/tools/index';

export interface ExampleToolOptions {
  /** Folders `append_line` and `write_note` may write in (default: the OS temp folder). */
  allowedFolders?: string[];
}

export function registerExampleTools(registry: ToolRegistry, opts: ExampleToolOptions = {}): void {
  const folders = (opts.allowedFolders ?? [tmpdir()]).map((f) => resolve(f));
  registry.register({
    name: 'append_line',
    description: 'Appends one line of text to a file inside an allowed folder (not idempotent).',
    parameters: lineParameters('line'),
    trust: 'trusted',
    idempotent: false,
    timeoutMs: 5000,
    execute: (args) => {
      const { path, line } = args as { path: string; line: string };
      return { path: appendLine('append_line', folders, path, line), appended: line };
    },
  });
  registry.register({
    name: 'write_note',
    description: 'Appends a note (one line) to a file inside an allowed folder, once a person approves (not idempotent).',
    parameters: lineParameters('text'),
    trust: 'approval',
    idempotent: false,
    timeoutMs: 5000,
    execute: (args) => {
      const { path, text } = args as { path: string; text: string };
      return { path: appendLine('write_note', folders, path, text), written: text };
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

/** Appends `line` + newline to `path`, refusing paths outside `folders` and multi-line text; returns the resolved path. */
function appendLine(tool: string, folders: string[], path: string, line: string): string {
  const target = resolve(path);
  if (!folders.some((f) => isInside(f, target))) {
    throw new Error(`${tool} may only write inside ${folders.join(', ')}; ${target} is outside`);
  }
  if (line.includes('\n')) throw new Error(`${tool} writes one line: the text must not contain a newline`);
  mkdirSync(dirname(target), { recursive: true });
  appendFileSync(target, `${line}\n`);
  return target;
}

function isInside(folder: string, target: string): boolean {
  const rel = relative(folder, target);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
