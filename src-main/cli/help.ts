/** `--help` texts, generated from the command table so they never drift from the code. */
import type { Command } from './command';

export const GLOBAL_HELP = [
  'global options:',
  "  --db DB     the database: a SQLite file PATH (or sqlite:PATH), or postgres://user:pass@host:port/dbname (default: the desktop app's, or $ABSTRACTRUNTIME_DB)",
  '  --json      print exactly one JSON document on stdout',
  '  -h, --help  help for a command',
  '',
  'environment: ABSTRACTRUNTIME_HOME (data folder), ABSTRACTRUNTIME_DB, ABSTRACTRUNTIME_PROJECT (your workflows)',
  'exit status: 0 ok · 1 failure (or `verify` found the ledger invalid) · 2 bad usage',
];

export function mainHelp(commands: Command[]): string[] {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: abstractruntime [--db PATH] [--json] <command> [options]',
    '',
    'commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    ...GLOBAL_HELP,
    '',
    'run `abstractruntime <command> --help` for the options of one command.',
  ];
}

export function commandHelp(c: Command): string[] {
  const lines = [`usage: abstractruntime ${c.name}${c.usage ? ' ' + c.usage : ''}`, '', c.summary];
  const options = Object.entries(c.options ?? {});
  if (options.length) {
    const shown = options.map(
      ([name, o]) =>
        [
          `${o.short ? `-${o.short}, ` : ''}--${name}${o.valueName ? ' ' + o.valueName : ''}`,
          o.description + (o.multiple ? ' (repeatable)' : ''),
        ] as const,
    );
    const width = Math.max(...shown.map(([flag]) => flag.length));
    lines.push('', 'options:', ...shown.map(([flag, desc]) => `  ${flag.padEnd(width)}  ${desc}`));
  }
  return [...lines, '', ...GLOBAL_HELP];
}
