/**
 * Step mode and breakpoints per run. Kept in memory and, when a file is given, in a small
 * JSON file next to the database so the CLI `tick` and a restarted app honour them too.
 */
import { statSync } from 'node:fs';
import { readJsonFile, writeJsonFileAtomic } from './atomicJsonFile';

function mtimeOf(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

interface PrefsFile {
  stepMode: string[];
  breakpoints: Record<string, string[]>;
}

export class DebugPrefs {
  private stepModeRuns = new Set<string>();
  private breakpointsByRun = new Map<string, string[]>();
  /** The file's mtime when last read or written: another process (a worker) may change it. */
  private seenMtime = -1;
  /**
   * The file was looked at in this turn of the event loop: the other reads of the turn use
   * that look (a worker advancing a thousand runs in one turn asked three times per run, a
   * stat each). A write always looks again, so it never writes over another process's change.
   */
  private lookedThisTurn = false;

  constructor(private readonly file: string | null) {
    this.refresh();
  }

  /** Rereads the file when another process wrote it since (one stat), so every worker honours step mode set anywhere. */
  private refresh(forWrite = false): void {
    if (!this.file || (this.lookedThisTurn && !forWrite)) return;
    if (!this.lookedThisTurn) {
      this.lookedThisTurn = true;
      setImmediate(() => (this.lookedThisTurn = false)).unref();
    }
    const mtime = mtimeOf(this.file);
    if (mtime === this.seenMtime) return;
    this.seenMtime = mtime;
    const data = readJsonFile<PrefsFile>(this.file, { stepMode: [], breakpoints: {} });
    this.stepModeRuns = new Set(Array.isArray(data.stepMode) ? data.stepMode : []);
    this.breakpointsByRun = new Map(Object.entries(data.breakpoints ?? {}).filter(([, v]) => Array.isArray(v)));
  }

  stepMode(runId: string): boolean {
    this.refresh();
    return this.stepModeRuns.has(runId);
  }

  setStepMode(runId: string, enabled: boolean): void {
    this.refresh(true);
    if (enabled === this.stepModeRuns.has(runId)) return;
    if (enabled) this.stepModeRuns.add(runId);
    else this.stepModeRuns.delete(runId);
    this.save();
  }

  breakpoints(runId: string): string[] {
    this.refresh();
    return this.breakpointsByRun.get(runId) ?? [];
  }

  setBreakpoints(runId: string, nodeIds: string[]): void {
    this.refresh(true);
    const unique = [...new Set(nodeIds)];
    if (unique.length === 0) this.breakpointsByRun.delete(runId);
    else this.breakpointsByRun.set(runId, unique);
    this.save();
  }

  /** Forget a run that ended: its prefs can no longer matter. */
  forget(runId: string): void {
    this.refresh();
    if (!this.stepModeRuns.has(runId) && !this.breakpointsByRun.has(runId)) return;
    this.refresh(true);
    const inStepMode = this.stepModeRuns.delete(runId);
    const hadBreakpoints = this.breakpointsByRun.delete(runId);
    if (inStepMode || hadBreakpoints) this.save();
  }

  private save(): void {
    if (!this.file) return;
    writeJsonFileAtomic(this.file, {
      stepMode: [...this.stepModeRuns],
      breakpoints: Object.fromEntries(this.breakpointsByRun),
    } satisfies PrefsFile);
    this.seenMtime = mtimeOf(this.file);
  }
}
