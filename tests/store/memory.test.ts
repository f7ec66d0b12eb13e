import { MemoryStore } from '../../src-main/store/memory/MemoryStore';
import { runStoreConformance } from './conformance';

// No `corruptArtifact`: the store copies bytes in and out, so nothing outside it can damage
// them. Corruption detection is proven on SqliteStore, whose bytes a disk or another program can change.
runStoreConformance('MemoryStore', () => new MemoryStore());
