import type { JsonObject } from '../../src-shared/json';
import { hashCanonical } from './sha256';

/**
 * An effect's identity: the same run, node, effect and payload on the same visit of the
 * node. The visit counter keeps a loop's second pass from being taken for a replay.
 */
export function idempotencyKey(runId: string, nodeId: string, type: string, payload: JsonObject, visit: number): string {
  return hashCanonical([runId, nodeId, type, payload, visit]).slice(0, 32);
}
