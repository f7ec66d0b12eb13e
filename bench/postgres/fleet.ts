/**
 * A fleet of benchmark processes started together: each child sets itself up (connects,
 * launches its engine), prints `ready`, waits for `go` on stdin, does its share of the work,
 * prints `done <json>` and exits. The clock runs from the moment every child is ready and
 * `go` is sent until the last `done`, so process start-up (tsx, connecting, a peer's
 * migrations) is not counted for anyone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface ChildReport {
  steps: number;
  runs: number;
  /** ours: how long creating the runs took, inside the measured time. */
  createMs?: number;
}

export interface FleetResult {
  ms: number;
  steps: number;
  runs: number;
  /** CPU time (user + system) the children spent from `go` to their report. */
  cpuMs: number;
  /** The longest `createMs` a child reported, if any did. */
  createMs: number | null;
}

/** What the child's main() receives from its command line: `--key value` pairs. */
export function childArgs(argv = process.argv.slice(2)): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) out[argv[i]!.replace(/^--/, '')] = argv[i + 1] ?? '';
  return out;
}

/** The child side: announce readiness, wait for `go`, run, report. */
export async function childMain(
  setup: () => Promise<{ run(): Promise<ChildReport>; check?(): Promise<void>; close(): Promise<void> }>,
): Promise<void> {
  try {
    const job = await setup();
    process.stdout.write('ready\n');
    await new Promise<void>((go) => {
      let buf = '';
      process.stdin.on('data', (d) => {
        buf += String(d);
        if (buf.includes('go\n')) go();
      });
    });
    const cpu0 = process.cpuUsage();
    const report = await job.run();
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`done ${JSON.stringify({ ...report, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
    // Checked after the clock stopped; a failed check still fails the measurement (exit 1).
    await job.check?.();
    await job.close();
    process.exit(0);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}

const TSX = ['--import', 'tsx'];

/** Starts `count` copies of `script` (a path under bench/), each with its own arguments. */
export async function runFleet(
  script: string,
  count: number,
  argsFor: (i: number) => string[],
  env: NodeJS.ProcessEnv = {},
): Promise<FleetResult> {
  const children: ChildProcess[] = [];
  const errs: string[] = [];
  const ready: Promise<void>[] = [];
  const done: Promise<ChildReport & { cpuMs: number }>[] = [];
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, [...TSX, resolve(script), ...argsFor(i)], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => {
      err += String(d);
      errs[i] = err;
    });
    const exited = new Promise<never>((_, reject) =>
      child.on('exit', (code, signal) =>
        reject(new Error(`${script} #${i} exited ${code ?? signal} before it reported: ${err.slice(-2000)}`)),
      ),
    );
    exited.catch(() => undefined);
    ready.push(
      Promise.race([
        new Promise<void>((res) =>
          child.stdout!.on('data', (d) => {
            out += String(d);
            if (out.includes('ready\n')) res();
          }),
        ),
        exited,
      ]),
    );
    done.push(
      Promise.race([
        new Promise<ChildReport & { cpuMs: number }>((res) =>
          child.stdout!.on('data', () => {
            const m = /done (\{.*\})\n/.exec(out);
            if (m) res(JSON.parse(m[1]!) as ChildReport & { cpuMs: number });
          }),
        ),
        exited,
      ]),
    );
  }
  const codes: (number | null)[] = new Array<number | null>(count).fill(null);
  children.forEach((c, i) => c.on('exit', (code, signal) => (codes[i] = code ?? (signal ? -1 : null))));
  let result: FleetResult;
  try {
    await Promise.all(ready);
    const t0 = performance.now();
    for (const c of children) c.stdin!.write('go\n');
    const reports = await Promise.all(done);
    const ms = performance.now() - t0;
    result = {
      ms,
      steps: reports.reduce((a, r) => a + r.steps, 0),
      runs: reports.reduce((a, r) => a + r.runs, 0),
      cpuMs: reports.reduce((a, r) => a + r.cpuMs, 0),
      createMs: reports.some((r) => r.createMs !== undefined) ? Math.max(...reports.map((r) => r.createMs ?? 0)) : null,
    };
  } finally {
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((res) => {
            if (c.exitCode !== null || c.signalCode !== null) return res();
            const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
            c.once('exit', () => {
              clearTimeout(t);
              res();
            });
          }),
      ),
    );
  }
  const failed = codes.findIndex((c) => c !== 0);
  if (failed >= 0) throw new Error(`${script} #${failed} exited ${codes[failed]} after its report: ${(errs[failed] ?? '').slice(-2000)}`);
  return result;
}

/** The share of `total` that child `i` of `count` takes (the first ones take the remainder). */
export function shareOf(total: number, count: number, i: number): number {
  return Math.floor(total / count) + (i < total % count ? 1 : 0);
}
