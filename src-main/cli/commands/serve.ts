/** `serve`: the host, its scheduler and the web host, until SIGINT/SIGTERM. */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { databaseProblem } from '../../host/databaseProblem';
import { databaseLabel } from '../../store/databaseSpec';
import { startWebHost, DEFAULT_WEB_PORT } from '../../transport/web/index';
import type { Command } from '../command';
import { packageRoot } from '../packageRoot';
import { UsageError } from '../usageError';
import { positiveInt } from './runs';
import { untilSignal } from './untilSignal';

const DEFAULT_STATIC_DIR = join(packageRoot(), 'out/web');

export const serveCommands: Command[] = [
  {
    name: 'serve',
    usage: '[--port P] [--static DIR] [--token-file PATH]',
    summary: 'run the web host (inspector + API) on 127.0.0.1 until Ctrl-C',
    options: {
      port: { type: 'string', valueName: 'P', description: `port (default ${DEFAULT_WEB_PORT}, 0 = any free port)` },
      static: { type: 'string', valueName: 'DIR', description: 'built renderer folder (default out/web)' },
      'token-file': {
        type: 'string',
        valueName: 'PATH',
        description: "write this launch's API token there (mode 0600) for scripts: Authorization: Bearer <token>",
      },
    },
    args: { min: 0, max: 0 },
    async run(ctx, { values }) {
      const port = parsePort(values.port as string | undefined);
      const host = await ctx.host();
      const web = await startWebHost({
        handlers: await ctx.handlers(),
        events: host.events,
        port,
        staticDir: (values.static as string | undefined) ?? ctx.env.ABSTRACTRUNTIME_WEB_DIR ?? DEFAULT_STATIC_DIR,
      });
      const tokenFile = values['token-file'] as string | undefined;
      if (tokenFile) writeTokenFile(resolve(tokenFile), web.token);
      // A worker too: whatever any process leaves runnable on this database is advanced here.
      host.startServices({ kind: 'serve' });
      ctx.out.result(
        {
          url: web.url,
          origin: web.origin,
          port: web.port,
          dbPath: databaseLabel(ctx.paths.dbPath),
          ...(tokenFile ? { tokenFile: resolve(tokenFile) } : {}),
        },
        () => [
          `AbstractRuntime web host on ${web.origin}/`,
          `open ${web.url} (the link carries this launch's token; without it the API answers 401)`,
          `database ${databaseLabel(ctx.paths.dbPath)}`,
          'press Ctrl-C to stop',
        ],
      );
      const watch = watchDatabaseFile(host.store, (problem) =>
        ctx.out.note(`error DATABASE_GONE: ${problem}: this host writes nothing more; restart it`),
      );
      await untilSignal();
      clearInterval(watch);
      ctx.out.note('stopping…');
      await web.close();
    },
  },
  {
    name: 'worker',
    usage: '[--concurrency N]',
    summary: 'claim and advance runnable runs on the database until Ctrl-C (no web host)',
    options: {
      concurrency: { type: 'string', valueName: 'N', description: 'runs advanced at once (default 4)' },
    },
    args: { min: 0, max: 0 },
    async run(ctx, { values }) {
      const concurrency = positiveInt('--concurrency', values.concurrency as string | undefined) ?? 4;
      const host = await ctx.host();
      // Not startServices: nothing listens to a worker's events, and following the change feed
      // would read every other process's changed run and records (on PostgreSQL, round trips
      // in line with this worker's own commits, growing with the fleet).
      const worker = host.startWorker({ kind: 'worker', concurrency });
      ctx.out.result({ workerId: worker.workerId, concurrency, dbPath: databaseLabel(ctx.paths.dbPath), pid: process.pid }, () => [
        `AbstractRuntime worker ${worker.workerId} (concurrency ${concurrency})`,
        `database ${databaseLabel(ctx.paths.dbPath)}`,
        'press Ctrl-C to stop',
      ]);
      await untilSignal();
      ctx.out.note('stopping: letting the runs in hand commit…');
      await worker.stop();
    },
  },
];

const DATABASE_CHECK_MS = 2000;

/** Logs once when the database file is deleted or replaced (writes are refused from then on, see fileIdentity). */
function watchDatabaseFile(store: unknown, report: (problem: string) => void): ReturnType<typeof setInterval> {
  let reported = false;
  const timer = setInterval(() => {
    const problem = reported ? null : databaseProblem(store);
    if (!problem) return;
    reported = true;
    report(problem);
  }, DATABASE_CHECK_MS);
  timer.unref();
  return timer;
}

/** Created 0600 before the token is written, then renamed into place, so no other user ever reads it. */
function writeTokenFile(path: string, token: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_WEB_PORT;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--port must be 0..65535, got "${text}"`);
  return n;
}
