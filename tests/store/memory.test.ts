import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { runStoreConformance } from './conformance';

// The store copies bytes in and out, so only a bug inside this process could change them:
// flip a byte where the store keeps them, and the read must still refuse them.
runStoreConformance('MemoryStore', () => new MemoryStore(), {
  corruptArtifact: (store, ref) => {
    const kept = (store as unknown as { artifacts: Map<string, { bytes: Uint8Array }> }).artifacts.get(ref)!;
    kept.bytes[0] = kept.bytes[0]! ^ 0xff;
  },
});
