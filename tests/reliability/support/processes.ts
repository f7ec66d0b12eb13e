/** Spawning host processes for the reliability tests, and killing them at chosen moments. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DRIVER = join(ROOT, 'tests/reliability/support/hostDriver.ts');

export interface DriverLine {
  event: string;
  [k: string]: unknown;
}

export interface Driven {
  child: ChildProcess;
  lines: DriverLine[];
  stderr: string[];
  /** Resolves at the first line with this event (rejects if the process ends first). */
  waitFor(event: string): Promise<DriverLine>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnDriver(mode: string, args: string[], env: NodeJS.ProcessEnv = {}): Driven {
  const child = spawn(process.execPath, ['--import', 'tsx', DRIVER, mode, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: DriverLine[] = [];
  const stderr: string[] = [];
  const waiters: { event: string; resolve: (l: DriverLine) => void }[] = [];
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const text = buf.slice(0, i);
      buf = buf.slice(i + 1);
      let line: DriverLine;
      try {
        line = JSON.parse(text) as DriverLine;
      } catch {
        line = { event: 'text', text };
      }
      lines.push(line);
      for (const w of waiters.filter((x) => x.event === line.event)) w.resolve(line);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
    child.on('exit', (code, signal) => res({ code, signal })),
  );
  const waitFor = (event: string) =>
    new Promise<DriverLine>((res, rej) => {
      const found = lines.find((l) => l.event === event);
      if (found) return res(found);
      waiters.push({ event, resolve: res });
      void exited.then(({ code, signal }) =>
        rej(
          new Error(
            `driver ${mode} ended (code ${code}, signal ${signal}) before "${event}": ${stderr.join('').slice(-2000)} ${JSON.stringify(lines.slice(-3))}`,
          ),
        ),
      );
    });
  return { child, lines, stderr, waitFor, exited };
}

/** Runs a driver to its end and returns its lines (fails on a non-zero exit). */
export async function runDriver(mode: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<DriverLine[]> {
  const d = spawnDriver(mode, args, env);
  const { code, signal } = await d.exited;
  if (code !== 0) throw new Error(`driver ${mode} exited ${code ?? signal}: ${d.stderr.join('').slice(-2000)} ${JSON.stringify(d.lines)}`);
  return d.lines;
}

/** A small seeded PRNG (mulberry32): failures are reproducible from the printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The real command line (`node bin/abstractruntime.mjs …`), as a user runs it. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/abstractruntime.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('exit', (code) => resolvePromise({ code, stdout, stderr }));
  });
}
