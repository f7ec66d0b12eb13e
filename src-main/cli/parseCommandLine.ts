/**
 * Splits `[global options] <command> [args]` (global options may also follow the command)
 * and parses the command's own options strictly with node:util parseArgs.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Command, ParsedInput } from './command';
import { UsageError } from './usageError';

export interface GlobalOptions {
  db?: string;
  json: boolean;
  help: boolean;
}

const GLOBAL_OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The command name: the first argument that is neither an option nor the value of --db. */
export function findCommandName(argv: string[]): { name: string | null; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--db') {
      i++;
      continue;
    }
    if (arg === '--') break;
    if (!arg.startsWith('-')) return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: null, rest: argv };
}

export function parseGlobalOnly(argv: string[]): GlobalOptions {
  const { values } = parseArgs({ args: argv, options: GLOBAL_OPTIONS, strict: false, allowPositionals: true });
  return { ...(typeof values.db === 'string' ? { db: values.db } : {}), json: values.json === true, help: values.help === true };
}

export function parseCommand(command: Command, argv: string[]): { globals: GlobalOptions; input: ParsedInput } {
  const options: ParseArgsConfig['options'] = { ...GLOBAL_OPTIONS };
  for (const [name, o] of Object.entries(command.options ?? {})) {
    options[name] = { type: o.type, ...(o.multiple ? { multiple: true } : {}), ...(o.short ? { short: o.short } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError(`${command.name}: ${(err as Error).message.split('\n')[0]}`);
  }
  const { db, json, help, ...rest } = parsed.values as Record<string, unknown>;
  const globals: GlobalOptions = { ...(typeof db === 'string' ? { db } : {}), json: json === true, help: help === true };
  if (!globals.help) checkArity(command, parsed.positionals);
  return { globals, input: { values: rest as ParsedInput['values'], positionals: parsed.positionals } };
}

function checkArity(command: Command, positionals: string[]): void {
  const { min, max } = command.args;
  if (positionals.length < min || positionals.length > max) {
    const got = positionals.length === 0 ? 'none' : positionals.map((p) => JSON.stringify(p)).join(' ');
    throw new UsageError(`usage: abstractruntime ${command.name} ${command.usage} (got arguments: ${got})`);
  }
}
