/** The runtime kernel's public API (no electron, no sqlite, no network). */
export * from './contracts';
export { defineWorkflow, createWorkflowRegistry, compareVersions, type WorkflowInput, type NodeList } from './defineWorkflow';
export { Runtime, DEFAULT_MAX_STEPS, type RuntimeOptions, type StartOptions, type TickOptions, type ResumeOptions } from './Runtime';
export { systemClock, FakeClock } from './clock';
export { randomIds, sequentialIds } from './ids';
export { canonicalBodyOf, hashRecord, sealRecord, type RecordBody, type RecordSigner } from './recordHash';
export { makeActor, DEFAULT_ACTOR } from './actor';
export { sha256Hex, hashCanonical } from './sha256';
export { idempotencyKey } from './idempotency';
export { newRunState, type NewRunFields } from './newRunState';
export { toRunSummary } from './runSummary';
export { externalize, internalize, DEFAULT_ARTIFACT_THRESHOLD } from './artifacts';
export { BUILTIN_EFFECTS } from './builtinEffects';
export { completeWait, rekeyWait, type PartialWait } from './waitState';
export { buildSnapshot, checkSnapshot, type SnapshotInput } from './snapshots';
export { parseRecoveryDecision, type RecoveryDecision } from './recovery';
