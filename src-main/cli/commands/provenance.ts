/** Provenance: export, import, verify (runs, bundles, Python ledgers and run folders). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BundleInvalidError, ImportError, LedgerInvalidError, NumberNotExactError } from '../../../src-shared/errors';
import type { VerifyReport } from '../../../src-shared/types';
import { isTrusted, ownPublicKey, TrustList, withTrust } from '../../ledger/index';
import { keyIdOf } from '../../ledger/signing';
import { parsePlainJson } from '../../../src-shared/losslessJson';
import { importRunHistory, isRunHistoryBundle, readRunHistory, writePythonStore, writeRunHistory } from '../../ledger/index';
import {
  findPythonRuns,
  importBundle,
  type FolderImportResult,
  importPythonFolder,
  importPythonRun,
  verifyBundle,
  verifyPythonLedgerFile,
  verifyPythonLedgerText,
} from '../../ledger/index';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { formatVerify } from '../format';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { UsageError } from '../usageError';
import { assertBundleState, withBundleState } from '../../host/bundleState';
import { isValidRunId } from '../../../src-shared/runId';

const EXPORT_FORMATS = ['bundle', 'python-store', 'python-history'];
import { parseJsonExact, stringifyExact } from '../../../src-shared/exactJson';

export const provenanceCommands: Command[] = [
  {
    name: 'export',
    usage: '<runId> -o FILE|DIR [--format bundle|python-store|python-history] [--force]',
    summary: "write a run: our self-verifying bundle (default), a Python store folder, or Python's RunHistoryBundle v1",
    options: {
      output: { type: 'string', short: 'o', valueName: 'FILE|DIR', description: 'where to write (a folder for python-store)' },
      format: {
        type: 'string',
        valueName: 'FORMAT',
        description: 'bundle (default), python-store (run_<id>.json + ledger_<id>.jsonl + artifacts) or python-history',
      },
      force: { type: 'boolean', description: 'replace files that exist (never a database)' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const file = values.output as string | undefined;
      const format = (values.format as string | undefined) ?? 'bundle';
      if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${format}"`);
      if (!file) throw new UsageError('export needs -o FILE (or -o DIR for --format python-store)');
      const runId = positionals[0]!;
      const target = { force: values.force === true, dbPath: ctx.paths.dbPath };
      if (format === 'python-store') {
        const dir = resolve(file);
        // The run's two files are replaced only with --force; the folder may hold other runs.
        for (const name of [`run_${runId}.json`, `ledger_${runId}.jsonl`]) checkOutputFile(join(dir, name), target);
        const host = await ctx.host();
        const done = writePythonStore(host.store, runId, dir, host.clock.now());
        ctx.out.result({ runId, dir, format, records: done.records, artifacts: done.artifacts }, () => [
          `exported run ${runId} (${done.records} records, ${done.artifacts} artifacts) as a Python store to ${dir}`,
        ]);
        return;
      }
      checkOutputFile(file, target); // before the export: refused without touching the database
      if (format === 'python-history') {
        const host = await ctx.host();
        const path = writeOutputFile(file, writeRunHistory(host.store, runId, host.clock.now()), target);
        ctx.out.result({ runId, file: path, format }, () => [`exported run ${runId} as a RunHistoryBundle v1 to ${path}`]);
        return;
      }
      const { bundle } = await ctx.call('exportRun', { runId });
      const path = writeOutputFile(file, stringifyExact(bundle, 1) + '\n', target);
      const records = (bundle as { records?: unknown[] }).records?.length ?? 0;
      ctx.out.result({ runId, file: path, records }, () => [`exported run ${runId} (${records} records) to ${path}`]);
    },
  },
  {
    name: 'import',
    usage: '<FILE | DIR> [--skip-invalid]',
    summary: "import a bundle, or a Python runtime's run folder / ledger_<id>.jsonl (verified first; a folder all or nothing)",
    options: {
      'skip-invalid': { type: 'boolean', description: 'import the runs of a folder that can be, and list the others' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const { runs, skipped } = await importPath(ctx, resolve(positionals[0]!), values['skip-invalid'] === true);
      ctx.out.result({ imported: runs, skipped }, () => [
        ...runs.map((r) =>
          r.appended !== undefined
            ? `run ${r.runId}: appended ${r.appended} new verified records`
            : r.imported
              ? `imported run ${r.runId}`
              : `run ${r.runId} is already in this database (nothing written)`,
        ),
        ...skipped.map((s) => `skipped run ${s.runId}: ${s.code}: ${s.message}`),
      ]);
    },
  },
  {
    name: 'verify',
    usage: '<runId> | --file <FILE | DIR> | <PATH with a slash>',
    summary: 'verify the hash chain (and signatures) of a run, a bundle, or a Python ledger; exit 1 when invalid',
    options: {
      file: { type: 'boolean', description: 'the argument is a bundle, ledger file or run folder, never a run id' },
      'require-trusted': { type: 'boolean', description: "exit 1 unless signed by this machine's key or a trusted key" },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const target = positionals[0]!;
      const { report: plain, subject } = await verifyTarget(ctx, target, values.file === true);
      const report = plain.trust
        ? plain
        : withTrust(plain, { ownPublicKey: ownPublicKey(ctx.paths.dataDir), trusted: new TrustList(ctx.paths.dataDir) });
      ctx.out.result(report, () => formatVerify(report, subject));
      if (!report.valid) return 1;
      return values['require-trusted'] === true && !isTrusted(report) ? 1 : 0;
    },
  },
  {
    name: 'keys',
    usage: 'list | trust <FILE | KEY | FINGERPRINT> [--label TEXT] | untrust <FINGERPRINT>',
    summary: "the keys whose signatures verify as trusted (besides this machine's own)",
    options: { label: { type: 'string', valueName: 'TEXT', description: 'who the key belongs to (trust)' } },
    args: { min: 1, max: 2 },
    async run(ctx, { values, positionals }) {
      const trusted = new TrustList(ctx.paths.dataDir);
      const [action, arg] = positionals;
      if (action === 'list') {
        const own = ownPublicKey(ctx.paths.dataDir);
        const keys = trusted.list();
        ctx.out.result({ own: own ? { public_key: own, key_id: keyIdOf(own) } : null, trusted: keys }, () => [
          own ? `this machine: ${keyIdOf(own)} ${own}` : 'this machine: no signing key yet',
          ...(keys.length
            ? keys.map((k) => `trusted: ${k.key_id}${k.public_key ? ` ${k.public_key}` : ''}${k.label ? ` (${k.label})` : ''}`)
            : ['trusted: none']),
        ]);
        return 0;
      }
      if (!arg) throw new UsageError(`keys ${action} needs an argument`);
      if (action === 'trust') {
        const entry = trusted.trust(keyArgument(arg), (values.label as string | undefined) ?? null, new Date());
        ctx.out.result(entry, () => [`trusted key ${entry.key_id}`]);
        return 0;
      }
      if (action === 'untrust') {
        const removed = trusted.untrust(arg);
        ctx.out.result({ key_id: arg, removed }, () => [removed ? `no longer trusted: ${arg}` : `${arg} was not on the trust list`]);
        return removed ? 0 : 1;
      }
      throw new UsageError(`keys: unknown action ${JSON.stringify(action)} (list, trust, untrust)`);
    },
  },
];

async function importPath(ctx: CliContext, path: string, skipInvalid: boolean): Promise<FolderImportResult> {
  if (!existsSync(path)) throw new ImportError(`${path} does not exist`, { path });
  const host = await ctx.host();
  const result: FolderImportResult = statSync(path).isDirectory()
    ? importPythonFolder(host.store, path, { skipInvalid })
    : path.endsWith('.jsonl')
      ? { runs: [importPythonRun(host.store, path)], skipped: [] }
      : importJsonFile(host.store, path);
  if (result.runs.length + result.skipped.length === 0)
    throw new ImportError(`no Python run (ledger_<id>.jsonl) found in ${path}`, { path });
  for (const r of result.runs) host.publishRun(r.runId);
  return result;
}

/**
 * A run id never contains a slash (src-shared/runId.ts), so an argument is a run id when it
 * is one, and a path when it cannot be one or `--file` says so: never both, never guessed
 * from what exists on disk.
 */
async function verifyTarget(ctx: CliContext, target: string, asFile: boolean): Promise<{ report: VerifyReport; subject: string }> {
  if (!asFile && isValidRunId(target)) return { report: await ctx.call('verifyRun', { runId: target }), subject: `run ${target}` };
  const path = resolve(target);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return { report: verifyPythonFolder(path), subject: path };
    if (path.endsWith('.jsonl')) return { report: verifyPythonLedgerFile(path), subject: path };
    return { report: verifyFileContents(path), subject: path };
  }
  throw new ImportError(`${target} does not exist (give a run id, or --file with a bundle, a Python ledger or a run folder)`, { path });
}

/** A bundle is one JSON document; a Python ledger is JSON lines even without the .jsonl name. */
function verifyFileContents(path: string): VerifyReport {
  const text = readFileSync(path, 'utf8');
  let parsed: unknown;
  try {
    parsed = parseJsonExact(text, 'bundle');
  } catch (err) {
    if (err instanceof NumberNotExactError) throw err;
    if (text.trimStart().startsWith('{')) return verifyPythonLedgerText(text);
    throw new BundleInvalidError(`${path} is neither a bundle (JSON) nor a ledger (JSON lines)`, { path });
  }
  if (isRunHistoryBundle(parsed)) return verifyRunHistoryFile(path);
  return withBundleState(verifyBundle(parsed), parsed);
}

function importCheckedBundle(store: Parameters<typeof importBundle>[0], bundle: unknown, path: string) {
  assertBundleState(bundle);
  return importBundle(store, bundle, { path });
}

/** Every ledger of a RunHistoryBundle; the verdict of the first that does not verify. */
function verifyRunHistoryFile(path: string): VerifyReport {
  let runs;
  try {
    runs = readRunHistory(path);
  } catch (err) {
    if (err instanceof LedgerInvalidError)
      return {
        valid: false,
        records: 0,
        firstBadSeq: (err.details?.seq as number | null) ?? null,
        reason: (err.details?.reason as VerifyReport['reason']) ?? 'malformed',
        message: err.message,
        signed: null,
      };
    throw err;
  }
  const records = runs.reduce((n, r) => n + r.rows.length, 0);
  const unchained = runs.find((r) => r.state.origin?.kind === 'import' && r.state.origin.hash_chain === false);
  if (unchained)
    return {
      valid: false,
      records,
      firstBadSeq: null,
      reason: 'unchained',
      message: `run ${unchained.runId}: no hash chain: integrity cannot be checked`,
      signed: null,
    };
  return {
    valid: true,
    records,
    firstBadSeq: null,
    reason: null,
    message: `valid: ${runs.length} ledger${runs.length === 1 ? '' : 's'}, ${records} records, hash chains intact`,
    signed: null,
  };
}

function verifyPythonFolder(dir: string): VerifyReport & { runs?: (VerifyReport & { runId: string })[] } {
  const runs = findPythonRuns(dir);
  if (runs.length === 0) throw new ImportError(`no Python run (ledger_<id>.jsonl) found in ${dir}`, { path: dir });
  const reports = runs.map((r) => ({ runId: r.runId, ...verifyPythonLedgerFile(r.ledgerPath) }));
  if (reports.length === 1) return reports[0]!;
  // A broken chain outweighs one that merely has no hashes.
  const bad = reports.find((r) => !r.valid && r.reason !== 'unchained') ?? reports.find((r) => !r.valid);
  return {
    valid: !bad,
    records: reports.reduce((n, r) => n + r.records, 0),
    firstBadSeq: bad?.firstBadSeq ?? null,
    reason: bad?.reason ?? null,
    message: bad ? `run ${bad.runId}: ${bad.message}` : `${reports.length} runs, every chain intact`,
    signed: null,
    runs: reports,
  };
}

/** A file (a bundle: its signing key; else a file holding the key) or the key / fingerprint itself. */
function keyArgument(arg: string): string {
  const path = resolve(arg);
  if (!existsSync(path) || !statSync(path).isFile()) return arg;
  const text = readFileSync(path, 'utf8').trim();
  try {
    const doc = JSON.parse(text) as { signing?: { public_key?: unknown } | null };
    if (typeof doc?.signing?.public_key === 'string') return doc.signing.public_key;
    throw new UsageError(`${path} is a JSON file without a signing key (an unsigned bundle?)`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    return text;
  }
}

/** Our bundle, or Python's RunHistoryBundle (told apart by their fields). */
function importJsonFile(store: Parameters<typeof importBundle>[0], path: string): FolderImportResult {
  const parsed = readJsonFile(path);
  if (isRunHistoryBundle(parsed)) return importRunHistory(store, path);
  return { runs: [importCheckedBundle(store, parsed, path)], skipped: [] };
}

function readJsonFile(path: string): unknown {
  try {
    const text = readFileSync(path, 'utf8');
    // Read exactly, once: 98765432109876543210 or 1.0 import as written. Only a number with no
    // exact form (NaN, Infinity) needs a second look: Python's RunHistoryBundle may hold them,
    // kept as Python wrote them; in our bundles they are refused by path.
    try {
      return parseJsonExact(text, 'bundle');
    } catch (err) {
      if (!(err instanceof NumberNotExactError)) throw err;
      const plain = parsePlainJson(text);
      if (isRunHistoryBundle(plain)) return plain;
      throw err;
    }
  } catch (err) {
    throw new BundleInvalidError(`${path} is not a JSON bundle: ${(err as Error).message}`, { path });
  }
}
