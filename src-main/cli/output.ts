/**
 * Everything the CLI prints goes through here: with `--json` exactly one JSON document on
 * stdout, otherwise human-readable lines; errors are one line on stderr either way.
 */
import { stringifyExact } from '../../src-shared/exactJson';

export interface CliStreams {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export class Output {
  constructor(
    readonly json: boolean,
    private readonly streams: CliStreams,
  ) {}

  /** The command's result: `value` as JSON, or the human lines. */
  result(value: unknown, human: () => string[]): void {
    // stringifyExact: numbers print as the ledger holds them (98765432109876543210, 1.0, -0.0).
    if (this.json) this.streams.stdout(stringifyExact(value, 2) + '\n');
    else this.lines(human());
  }

  lines(lines: string[]): void {
    if (lines.length) this.streams.stdout(lines.join('\n') + '\n');
  }

  /** Progress and notes that must not pollute `--json` output. */
  note(text: string): void {
    this.streams.stderr(text + '\n');
  }

  error(code: string, message: string): void {
    this.streams.stderr(`error ${code}: ${oneLine(message)}\n`);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export function table(headers: string[], rows: string[][]): string[] {
  if (rows.length === 0) return [];
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)];
}
