/** JSON given on the command line (`--vars`, `--payload`): a clear usage error when it is not JSON. */
import { UsageError } from './usageError';

export function parseJsonArg(option: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${option} is not valid JSON (${(err as Error).message}); quote it for your shell, e.g. ${option} '{"n": 5}'`);
  }
}

export function parseJsonObjectArg(option: string, text: string | undefined): Record<string, unknown> | undefined {
  const value = parseJsonArg(option, text);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${option} must be a JSON object, like '{"n": 5}'`);
  return value as Record<string, unknown>;
}
