/** Provenance: export, import, verify (runs, bundles, Python ledgers and run folders). */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BundleInvalidError, ImportError, NumberNotExactError } from '../../../src-shared/errors';
import type { VerifyReport } from '../../../src-shared/types';
import { findPythonRuns, importBundle, importPythonFolder, importPythonRun, verifyBundle, verifyPythonLedgerFile, verifyPythonLedgerText } from '../../ledger/index';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { formatVerify } from '../format';
import { checkOutputFile, writeOutputFile } from '../outputFile';
import { UsageError } from '../usageError';
import { parseJsonExact, stringifyExact } from '../../../src-shared/exactJson';

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
      const path = writeOutputFile(file, stringifyExact(bundle, 1) + '\n', target);
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
    usage: '<runId | FILE | DIR>',
    summary: 'verify the hash chain (and signatures) of a run, a bundle, or a Python ledger; exit 1 when invalid',
    args: { min: 1, max: 1 },
    async run(ctx, { positionals }) {
      const target = positionals[0]!;
      const { report, subject } = await verifyTarget(ctx, target);
      ctx.out.result(report, () => formatVerify(report, subject));
      return report.valid ? 0 : 1;
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
      : [importBundle(host.store, readJsonFile(path), { path })];
  if (results.length === 0) throw new ImportError(`no Python run (ledger_<id>.jsonl) found in ${path}`, { path });
  for (const r of results) host.publishRun(r.runId);
  return results;
}

async function verifyTarget(ctx: CliContext, target: string): Promise<{ report: VerifyReport; subject: string }> {
  const path = resolve(target);
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) return { report: verifyPythonFolder(path), subject: path };
    if (path.endsWith('.jsonl')) return { report: verifyPythonLedgerFile(path), subject: path };
    return { report: verifyFileContents(path), subject: path };
  }
  if (/[\\/]|\.jsonl?$/.test(target)) throw new ImportError(`${target} does not exist (give a run id, a bundle file or a Python ledger)`, { path });
  return { report: await ctx.call('verifyRun', { runId: target }), subject: `run ${target}` };
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
  return verifyBundle(parsed);
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

function readJsonFile(path: string): unknown {
  try {
    // Exact: a bundle's 98765432109876543210 or 1.0 imports as written; NaN is refused by path.
    return parseJsonExact(readFileSync(path, 'utf8'), 'bundle');
  } catch (err) {
    throw new BundleInvalidError(`${path} is not a JSON bundle: ${(err as Error).message}`, { path });
  }
}
