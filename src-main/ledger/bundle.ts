/**
 * Export bundles: one JSON document with everything needed to audit a run offline (DESIGN
 * §5). Records travel as their exact hashed bytes (`body`, a string), so a bundle verifies
 * the same after any JSON round trip, Python-written numbers included. Verifying needs no
 * database and no network.
 */
import { BundleInvalidError } from '../../src-shared/errors';
import type { Snapshot, VerifyReport } from '../../src-shared/types';
import type { ArtifactStore, LedgerStore, RunStore, SnapshotStore } from '../runtime/contracts';
import { sha256Hex } from '../runtime/sha256';
import type { ChainRow } from './chainRow';
import { keyIdOf } from './signing';
import { verifyChain } from './verifyChain';
import { ledgerRows, type SignedHeadSource } from './verifyRunLedger';
import { parseBundle } from './bundleSchema';
import type { BundleArtifact, BundleRecord, ExportBundle } from './bundleFormat';
import { BUNDLE_FORMAT, BUNDLE_VERSION } from './bundleFormat';
import { isPlainBase64, streamedArtifact, type StreamedArtifact } from './bundleFile';

export type { ExportBundle } from './bundleFormat';

type ExportSource = RunStore & LedgerStore & Partial<SnapshotStore> & Partial<ArtifactStore> & Partial<SignedHeadSource>;

export interface ExportOptions {
  now?: Date;
  /** Public key of the records' signatures when the store has no signed head (base64 raw). */
  publicKey?: string | null;
}

export function createExportBundle(store: ExportSource, runId: string, opts: ExportOptions = {}): ExportBundle {
  const state = store.getRun(runId);
  if (!state) throw new BundleInvalidError(`run ${runId} not found: nothing to export`, { runId });
  const records: BundleRecord[] = [...ledgerRows(store, runId)].map((r) => ({ ...r }));
  const snapshots = (store.searchSnapshots?.({ runId }) ?? [])
    .map((s) => store.getSnapshot!(s.snapshot_id))
    .filter((s): s is Snapshot => !!s)
    .reverse();
  const refs = referencedArtifacts([JSON.stringify(state), JSON.stringify(snapshots), ...records.map((r) => r.body)]);
  const artifacts = [...refs].map((ref) => exportArtifact(store, ref));
  const head = store.getSignedHead?.(runId) ?? null;
  const publicKey = head?.public_key ?? opts.publicKey ?? null;
  const anySigned = records.some((r) => r.signature);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    exported_at: (opts.now ?? new Date()).toISOString(),
    run_id: runId,
    workflow_id: state.workflow_id,
    origin: state.origin,
    state,
    records,
    snapshots,
    artifacts,
    signing: publicKey && (head || anySigned) ? { public_key: publicKey, key_id: keyIdOf(publicKey), signed_head: head } : null,
  };
}

function exportArtifact(store: Partial<ArtifactStore>, ref: string): BundleArtifact {
  if (!store.getArtifact) throw new BundleInvalidError(`run references artifact ${ref} but the store keeps no artifacts`, { ref });
  const { bytes, mime } = store.getArtifact(ref);
  return { ref, mime, size: bytes.byteLength, base64: Buffer.from(bytes).toString('base64') };
}

const ARTIFACT_REF = /"\$artifact":"(sha256:[0-9a-f]{64})"/g;

export function referencedArtifacts(texts: string[]): Set<string> {
  const refs = new Set<string>();
  for (const t of texts) for (const m of t.matchAll(ARTIFACT_REF)) refs.add(m[1]!);
  return refs;
}

/**
 * Checks a bundle (object or JSON text) offline: its chain, signatures, signed head and
 * artifact hashes. A bundle that is not one throws BundleInvalidError naming the field.
 */
export function verifyBundle(input: unknown): VerifyReport {
  const bundle = parseBundle(input);
  const signing = bundle.signing;
  const head = signing?.signed_head;
  if (signing && head && head.public_key !== signing.public_key)
    return {
      valid: false,
      records: bundle.records.length,
      firstBadSeq: head.seq,
      reason: 'bad_signature',
      signed: null,
      message: 'the bundle names a public key other than the one its signed head was made with',
    };
  const report = verifyChain(bundle.records as ChainRow[], {
    publicKey: signing?.public_key ?? null,
    signedHead: signing?.signed_head ?? null,
    runId: bundle.run_id,
  });
  if (!report.valid) return misplaced(bundle, report) ?? report;
  return checkArtifacts(bundle, report) ?? checkState(bundle, report) ?? report;
}

/** In a bundle the whole order is visible: a record that is present but out of place is a reorder, not a gap. */
function misplaced(bundle: ExportBundle, report: VerifyReport): VerifyReport | null {
  if (report.reason !== 'gap' || report.firstBadSeq === null) return null;
  const at = report.firstBadSeq;
  if (!bundle.records.slice(at + 1).some((r) => r.seq === at)) return null;
  return invalid(report, at, 'reorder', `record ${at} is out of order in the bundle`);
}

/**
 * An artifact's bytes are checked by their hash; its `mime` and `size` are checked against
 * the `{$artifact, size, mime}` references the (hashed) records hold, since nothing else
 * covers them. An artifact no record references has nothing vouching for its metadata.
 */
function checkArtifacts(bundle: ExportBundle, report: VerifyReport): VerifyReport | null {
  const present = new Map(bundle.artifacts.map((a) => [a.ref, a]));
  const vouched = recordedArtifactRefs(bundle.records);
  for (const [i, a] of bundle.artifacts.entries()) {
    const content = artifactContent(bundle, i, a);
    if (!content.plain)
      return invalid(report, firstSeqReferencing(bundle, a.ref), 'malformed', `artifact ${a.ref}: its content is not plain base64 text`);
    if (content.ref !== a.ref || content.size !== a.size)
      return invalid(
        report,
        firstSeqReferencing(bundle, a.ref),
        'hash_mismatch',
        `artifact ${a.ref} does not match its content: its bytes were changed`,
      );
    const refs = vouched.get(a.ref);
    if (!refs)
      return invalid(report, null, 'malformed', `artifact ${a.ref} is referenced by no record: nothing vouches for its mime and size`);
    const wrong = refs.find((r) => r.mime !== a.mime || r.size !== a.size);
    if (wrong)
      return invalid(
        report,
        wrong.seq,
        'hash_mismatch',
        `artifact ${a.ref} claims mime ${JSON.stringify(a.mime)} and size ${a.size}, but record ${wrong.seq} references it with mime ${JSON.stringify(wrong.mime)} and size ${JSON.stringify(wrong.size)}: its metadata was changed`,
      );
  }
  for (const r of bundle.records)
    for (const ref of referencedArtifacts([r.body]))
      if (!present.has(ref))
        return invalid(report, r.seq, 'malformed', `record ${r.seq} references artifact ${ref}, which is missing from the bundle`);
  return null;
}

/** The artifact's hash and size: streamed past when the bundle was read from a file (bundleFile.ts), else decoded here. */
function artifactContent(bundle: ExportBundle, index: number, a: BundleArtifact): StreamedArtifact {
  const streamed = streamedArtifact(bundle, index);
  if (streamed) return streamed;
  if (!isPlainBase64(a.base64)) return { ref: '', size: 0, plain: false };
  const bytes = Buffer.from(a.base64, 'base64');
  return { ref: `sha256:${sha256Hex(bytes)}`, size: bytes.byteLength, plain: true };
}

interface RecordedRef {
  seq: number;
  mime: unknown;
  size: unknown;
}

/** Every `{$artifact: ref, ...}` object inside the records' bodies, by ref. */
function recordedArtifactRefs(records: BundleRecord[]): Map<string, RecordedRef[]> {
  const out = new Map<string, RecordedRef[]>();
  const walk = (v: unknown, seq: number): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach((x) => walk(x, seq));
    const o = v as Record<string, unknown>;
    if (typeof o.$artifact === 'string') {
      const list = out.get(o.$artifact) ?? [];
      list.push({ seq, mime: o.mime, size: o.size });
      out.set(o.$artifact, list);
    }
    for (const x of Object.values(o)) walk(x, seq);
  };
  // Bodies without a reference are skipped unparsed: most records carry none.
  for (const r of records) if (r.body.includes('"$artifact"')) walk(JSON.parse(r.body), r.seq);
  return out;
}

function checkState(bundle: ExportBundle, report: VerifyReport): VerifyReport | null {
  const last = bundle.records[bundle.records.length - 1];
  const head = bundle.state.ledger_head;
  if (bundle.state.run_id !== bundle.run_id || (head?.hash ?? null) !== (last?.record_hash ?? null))
    return invalid(report, head?.seq ?? null, 'malformed', "the bundle's final state does not point at the last record of its ledger");
  return null;
}

function firstSeqReferencing(bundle: ExportBundle, ref: string): number | null {
  return bundle.records.find((r) => r.body.includes(ref))?.seq ?? null;
}

function invalid(report: VerifyReport, seq: number | null, reason: VerifyReport['reason'], message: string): VerifyReport {
  return { ...report, valid: false, firstBadSeq: seq, reason, message };
}
