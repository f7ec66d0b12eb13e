import { createHash } from 'node:crypto';
import { canonicalJson } from '../../src-shared/canonicalJson';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of the value's canonical JSON (Python-identical bytes). */
export function hashCanonical(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
