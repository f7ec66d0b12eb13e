/** A real RuntimeHost on a temporary SQLite database behind a real web host on 127.0.0.1:random. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiHandlers } from '../../src-main/host/apiHandlers';
import { RuntimeHost } from '../../src-main/host/RuntimeHost';
import { startWebHost, type WebHost } from '../../src-main/transport/web/index';
import { writeFakeRenderer } from './fakeRenderer';

export interface WebFixture {
  host: RuntimeHost;
  web: WebHost;
  dir: string;
  staticDir: string;
  close(): Promise<void>;
}

export async function startWebFixture(): Promise<WebFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'ar-web-'));
  const staticDir = writeFakeRenderer(dir);
  const host = await RuntimeHost.open({ dbPath: join(dir, 'runtime.db'), dataDir: dir, env: {}, projectFile: null, durability: 'process' });
  const web = await startWebHost({ handlers: createApiHandlers(host, { transport: 'web' }), events: host.events, port: 0, staticDir });
  return {
    host,
    web,
    dir,
    staticDir,
    close: async () => {
      await web.close();
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
