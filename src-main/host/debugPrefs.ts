/**
 * Step mode and breakpoints per run. Kept in memory and, when a file is given, in a small
 * JSON file next to the database so the CLI `tick` and a restarted app honour them too.
 */
import { readJsonFile, writeJsonFileAtomic } from './atomicJsonFile';

interface PrefsFile {
  stepMode: string[];
  breakpoints: Record<string, string[]>;
}

export class DebugPrefs {
  private readonly stepModeRuns: Set<string>;
  private readonly breakpointsByRun: Map<string, string[]>;

  constructor(private readonly file: string | null) {
    const data = file ? readJsonFile<PrefsFile>(file, { stepMode: [], breakpoints: {} }) : { stepMode: [], breakpoints: {} };
    this.stepModeRuns = new Set(Array.isArray(data.stepMode) ? data.stepMode : []);
    this.breakpointsByRun = new Map(Object.entries(data.breakpoints ?? {}).filter(([, v]) => Array.isArray(v)));
  }

  stepMode(runId: string): boolean {
    return this.stepModeRuns.has(runId);
  }

  setStepMode(runId: string, enabled: boolean): void {
    if (enabled === this.stepModeRuns.has(runId)) return;
    if (enabled) this.stepModeRuns.add(runId);
    else this.stepModeRuns.delete(runId);
    this.save();
  }

  breakpoints(runId: string): string[] {
    return this.breakpointsByRun.get(runId) ?? [];
  }

  setBreakpoints(runId: string, nodeIds: string[]): void {
    const unique = [...new Set(nodeIds)];
    if (unique.length === 0) this.breakpointsByRun.delete(runId);
    else this.breakpointsByRun.set(runId, unique);
    this.save();
  }

  /** Forget a run that ended: its prefs can no longer matter. */
  forget(runId: string): void {
    const had = this.stepModeRuns.delete(runId) || this.breakpointsByRun.delete(runId);
    if (had) this.save();
  }

  private save(): void {
    if (!this.file) return;
    writeJsonFileAtomic(this.file, {
      stepMode: [...this.stepModeRuns],
      breakpoints: Object.fromEntries(this.breakpointsByRun),
    } satisfies PrefsFile);
  }
}
