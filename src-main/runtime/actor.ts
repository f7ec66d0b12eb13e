import type { ActorFingerprint, ActorKind } from '../../src-shared/types';
import type { JsonObject } from '../../src-shared/json';
import { hashCanonical } from './sha256';

/**
 * An actor's fingerprint covers its stable identity fields only: secrets must never be
 * passed here, since the fingerprint lands in every record the actor writes.
 */
export function makeActor(kind: ActorKind, id: string, identity: JsonObject = {}): ActorFingerprint {
  return { kind, id, fingerprint: hashCanonical({ ...identity, kind, id }) };
}

export const DEFAULT_ACTOR: ActorFingerprint = makeActor('runtime', 'abstractruntime-ts');
