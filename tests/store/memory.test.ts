import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { runStoreConformance } from './conformance';

runStoreConformance('MemoryStore', () => new MemoryStore(), {
  corruptArtifact: (store, ref) => (store as MemoryStore).corruptArtifactForTest(ref),
});
