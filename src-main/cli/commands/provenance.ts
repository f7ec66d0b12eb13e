/** Provenance: export, import, verify (runs, bundles, Python ledgers and run folders). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BundleInvalidError, ImportError } from '../../../src-shared/errors';
import type { VerifyReport } from '../../../src-shared/types';
import { isTrusted, ownPublicKey, TrustList, withTrust } from '../../ledger/index';
import { keyIdOf } from '../../ledger/signing';
import { findPythonRuns, importBundle, importPythonFolder, importPythonRun, verifyBundle, verifyPythonLedgerFile, verifyPythonLedgerText } from '../../ledger/index';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { formatVerify } from '../format';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { UsageError } from '../usageError';
import { assertBundleState, withBundleState } from '../../host/bundleState';
import { isValidRunId } from '../../../src-shared/runId';

export const provenanceCommands: Command[] = [
  {
    name: 'export',
    usage: '<runId> -o FILE [--force]',
    summary: 'write a self-verifying bundle of a run (state, ledger, snapshots, artifacts)',
    options: {
      output: { type: 'string', short: 'o', valueName: 'FILE', description: 'where to write the bundle (.bundle.json)' },
      force: { type: 'boolean', description: 'replace FILE if it exists (never a database)' },
    },
    args: { min: 1, max: 1 },
    async run(ctx, { values, positionals }) {
      const file = values.output as string | undefined;
      if (!file) throw new UsageError('export needs -o FILE');
      const target = { force: values.force === true, dbPath: ctx.paths.dbPath };
      checkOutputFile(file, target); // before the export: refused without touching the database
      const { bundle } = await ctx.call('exportRun', { runId: positionals[0]! });
      const path = writeOutputFile(file, JSON.stringify(bundle, null, 1) + '\n', target);
      const records = (bundle as { records?: unknown[] }).records?.length ?? 0;
      ctx.out.result({ runId: positionals[0], file: path, records }, () => [`exported run ${positionals[0]} (${records} records) to ${path}`]);
    },
  },
  {
    name: 'import',
    usage: '<FILE | DIR>',
    summary: "import a bundle, or a Python runtime's run folder / ledger_<id>.jsonl (verified first)",
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      const results = await importPath(ctx, resolve(positionals[0]!));
      ctx.out.result({ imported: results }, () =>
        results.map((r) => (r.imported ? `imported run ${r.runId}` : `run ${r.runId} is already in this database (nothing written)`)),
      );
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
      const report = plain.trust ? plain : withTrust(plain, { ownPublicKey: ownPublicKey(ctx.paths.dataDir), trusted: new TrustList(ctx.paths.dataDir) });
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
          ...(keys.length ? keys.map((k) => `trusted: ${k.key_id}${k.public_key ? ` ${k.public_key}` : ''}${k.label ? ` (${k.label})` : ''}`) : ['trusted: none']),
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

async function importPath(ctx: CliContext, path: string) {
  if (!existsSync(path)) throw new ImportError(`${path} does not exist`, { path });
  const host = await ctx.host();
  const results = statSync(path).isDirectory()
    ? importPythonFolder(host.store, path)
    : path.endsWith('.jsonl')
      ? [importPythonRun(host.store, path)]
      : [importCheckedBundle(host.store, readJsonFile(path), path)];
  if (results.length === 0) throw new ImportError(`no Python run (ledger_<id>.jsonl) found in ${path}`, { path });
  for (const r of results) host.publishRun(r.runId);
  return results;
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
    parsed = JSON.parse(text);
  } catch {
    if (text.trimStart().startsWith('{')) return verifyPythonLedgerText(text);
    throw new BundleInvalidError(`${path} is neither a bundle (JSON) nor a ledger (JSON lines)`, { path });
  }
  return withBundleState(verifyBundle(parsed), parsed);
}

function importCheckedBundle(store: Parameters<typeof importBundle>[0], bundle: unknown, path: string) {
  assertBundleState(bundle);
  return importBundle(store, bundle, { path });
}

function verifyPythonFolder(dir: string): VerifyReport & { runs?: (VerifyReport & { runId: string })[] } {
  const runs = findPythonRuns(dir);
  if (runs.length === 0) throw new ImportError(`no Python run (ledger_<id>.jsonl) found in ${dir}`, { path: dir });
  const reports = runs.map((r) => ({ runId: r.runId, ...verifyPythonLedgerFile(r.ledgerPath) }));
  if (reports.length === 1) return reports[0]!;
  const bad = reports.find((r) => !r.valid);
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

function readJsonFile(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new BundleInvalidError(`${path} is not a JSON bundle: ${(err as Error).message}`, { path });
  }
}
