/** The shape of one CLI command: its usage text, options, arity and what it does. */
import type { CliContext } from './context';

export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown in `--help`: `--vars JSON  initial vars`. */
  valueName?: string;
  description: string;
}

export interface ParsedInput {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  /** Arguments after the command name, e.g. `<runId> [--vars JSON]`. */
  usage: string;
  summary: string;
  options?: Record<string, OptionSpec>;
  args: { min: number; max: number };
  run(ctx: CliContext, input: ParsedInput): Promise<number | void>;
}
