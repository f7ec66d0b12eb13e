/**
 * What a command works with: the output, the database location, and the host, opened on
 * first use (commands like `verify FILE` never touch the database) and closed once.
 * API calls go through the same `dispatch` as the web host and IPC, so the CLI gets the
 * same validation and the same typed errors.
 */
import type { ApiHandlers, ApiMethod, ApiRequest, ApiResponses } from '../../src-shared/api';
import { errorFromPayload } from '../../src-shared/errors';
import type { RuntimeHost } from '../host/RuntimeHost';
import { dispatch } from '../transport/dispatch';
import type { Output } from './output';

export interface CliPaths {
  dbPath: string;
  dataDir: string;
}

export class CliContext {
  private opened: Promise<{ host: RuntimeHost; handlers: ApiHandlers }> | null = null;

  constructor(
    readonly out: Output,
    readonly paths: CliPaths,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  host(): Promise<RuntimeHost> {
    return this.open().then((o) => o.host);
  }

  handlers(): Promise<ApiHandlers> {
    return this.open().then((o) => o.handlers);
  }

  async call<M extends ApiMethod>(method: M, payload: ApiRequest<M>): Promise<ApiResponses[M]> {
    const result = await dispatch(await this.handlers(), method, payload);
    if (!result.ok) throw errorFromPayload(result.error);
    return result.value as ApiResponses[M];
  }

  async close(): Promise<void> {
    if (!this.opened) return;
    const { host } = await this.opened.catch(() => ({ host: null }));
    this.opened = null;
    await host?.close();
  }

  private open() {
    this.opened ??= (async () => {
      const [{ RuntimeHost }, { createApiHandlers }] = await Promise.all([import('../host/RuntimeHost'), import('../host/apiHandlers')]);
      const host = await RuntimeHost.open({ dbPath: this.paths.dbPath, dataDir: this.paths.dataDir, env: this.env });
      return { host, handlers: createApiHandlers(host, { transport: 'web' }) };
    })();
    return this.opened;
  }
}
