/**
 * What verifying a bundle *file* answers (the web host's upload path, Electron's file path):
 * the `verifyBundle` report plus, for a bundle that verifies, the first records to browse,
 * so the page never has to hold or parse the file itself.
 */
import type { ApiResponses } from './api';

/** Records the Audit page lists at most (the count says how many there are). */
export const BUNDLE_PREVIEW_RECORDS = 2000;

/** A bundle row as exported: the record's hashed body as canonical JSON text. */
export interface BundlePreviewRow {
  seq: number;
  record_hash: string;
  signature: string | null;
  body: string;
}

export interface BundlePreview {
  records: BundlePreviewRow[];
  recordCount: number;
}

export type BundleFileVerdict = ApiResponses['verifyBundle'] & {
  /** Null unless the bundle verifies: an invalid bundle's records are the attacker's words. */
  preview: BundlePreview | null;
};
