/**
 * JSON given on the command line (`--vars`, `--payload`): a clear usage error when it is not
 * JSON, and the number policy (src-shared/exactJson) for what it holds: a number that would
 * not be kept exactly is refused (NUMBER_NOT_EXACT, naming its path), never rounded.
 */
import { ValidationError } from '../../src-shared/errors';
import { parseJsonExact } from '../../src-shared/exactJson';
import { UsageError } from './usageError';

export function parseJsonArg(option: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return parseJsonExact(text, option.replace(/^--/, ''));
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    throw new UsageError(`${option} is not valid JSON (${err.message}); quote it for your shell, e.g. ${option} '{"n": 5}'`);
  }
}

export function parseJsonObjectArg(option: string, text: string | undefined): Record<string, unknown> | undefined {
  const value = parseJsonArg(option, text);
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${option} must be a JSON object, like '{"n": 5}'`);
  return value as Record<string, unknown>;
}
