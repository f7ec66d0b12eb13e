/** An artifact as the API returns it: exact text for JSON and text, base64 for other bytes. */
import type { ArtifactContent } from '../../src-shared/api';
import { ArtifactNotFoundError } from '../../src-shared/errors';
import type { ArtifactStore } from '../runtime/contracts';

export function isTextMime(mime: string): boolean {
  return mime === 'application/json' || mime.startsWith('text/') || mime.endsWith('+json');
}

export function readArtifact(store: unknown, ref: string): ArtifactContent {
  if (!hasArtifacts(store)) throw new ArtifactNotFoundError(`artifact ${ref} not found: this store keeps no artifacts`, { ref });
  const { bytes, mime } = store.getArtifact(ref);
  const text = isTextMime(mime);
  return {
    ref,
    mime,
    size: bytes.byteLength,
    encoding: text ? 'utf8' : 'base64',
    data: text ? new TextDecoder().decode(bytes) : Buffer.from(bytes).toString('base64'),
  };
}

/** Whether a store keeps artifacts (the memory and SQLite stores do; a store may not). */
export function hasArtifacts<S>(store: S): store is S & ArtifactStore {
  const s = store as Partial<ArtifactStore> | null;
  return typeof s?.getArtifact === 'function' && typeof s.putArtifact === 'function';
}
