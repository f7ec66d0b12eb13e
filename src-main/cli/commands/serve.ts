/** `serve`: the host, its scheduler and the web host, until SIGINT/SIGTERM. */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebHost, DEFAULT_WEB_PORT } from '../../transport/web/index';
import type { Command } from '../command';
import { UsageError } from '../usageError';

export const DEFAULT_STATIC_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../out/web');

export const serveCommands: Command[] = [
  {
    name: 'serve',
    usage: '[--port P] [--static DIR] [--token-file PATH]',
    summary: 'run the web host (inspector + API) on 127.0.0.1 until Ctrl-C',
    options: {
      port: { type: 'string', valueName: 'P', description: `port (default ${DEFAULT_WEB_PORT}, 0 = any free port)` },
      static: { type: 'string', valueName: 'DIR', description: 'built renderer folder (default out/web)' },
      'token-file': { type: 'string', valueName: 'PATH', description: "write this launch's API token there (mode 0600) for scripts: Authorization: Bearer <token>" },
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
      void host.startServices().catch((err) => ctx.out.note(`recovery failed: ${(err as Error).message}`));
      ctx.out.result({ url: web.url, origin: web.origin, port: web.port, dbPath: ctx.paths.dbPath, ...(tokenFile ? { tokenFile: resolve(tokenFile) } : {}) }, () => [
        `AbstractRuntime web host on ${web.origin}/`,
        `open ${web.url} (the link carries this launch's token; without it the API answers 401)`,
        `database ${ctx.paths.dbPath}`,
        'press Ctrl-C to stop',
      ]);
      await untilSignal();
      ctx.out.note('stopping…');
      await web.close();
    },
  },
];

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

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
