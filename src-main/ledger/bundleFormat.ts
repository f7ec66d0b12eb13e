/** The shape of an export bundle, apart from building and checking one (bundle.ts, bundleSchema.ts). */
import type { RunOrigin, RunState, SignedHead, Snapshot } from '../../src-shared/types';

export const BUNDLE_FORMAT = 'abstractruntime-bundle';
export const BUNDLE_VERSION = 1;

export interface BundleRecord {
  seq: number;
  record_hash: string;
  signature: string | null;
  /** True for records written by another runtime (no seq/kind/actor in the body). */
  foreign: boolean;
  /** Canonical JSON of the hashed record body, byte for byte. */
  body: string;
}

export interface BundleArtifact {
  ref: string;
  mime: string;
  size: number;
  base64: string;
}

export interface ExportBundle {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  exported_at: string;
  run_id: string;
  workflow_id: string;
  origin: RunOrigin | null;
  state: RunState;
  records: BundleRecord[];
  snapshots: Snapshot[];
  artifacts: BundleArtifact[];
  signing: { public_key: string; key_id: string; signed_head: SignedHead | null } | null;
}
