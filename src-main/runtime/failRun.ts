import { RuntimeError } from '../../src-shared/errors';
import type { RunTx } from './runTx';

/** Ends the run as failed, with the error in the state and in a `failed` record (written by the operation's final commit). */
export function failRun(tx: RunTx, err: RuntimeError, nodeId: string | null, attempt = 1): void {
  const error = { code: err.code, message: err.message };
  tx.append({ kind: 'failed', status: 'failed', node_id: nodeId, error, attempt });
  tx.update({ status: 'failed', error: { ...error, node_id: nodeId }, waiting: null, pending_effect: null });
}

/** Any thrown value as a RuntimeError (unknown errors keep their message). */
export function asRuntimeError(
  err: unknown,
  Wrap: new (m: string, d?: Record<string, unknown>) => RuntimeError,
  prefix: string,
): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new Wrap(`${prefix}${message}`);
}
