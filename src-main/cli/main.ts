/**
 * The `abstractruntime` command line: the same API as the desktop app and the web host,
 * over the same database. Exit status 0 ok, 1 failure, 2 bad usage; errors are one
 * `error CODE: message` line on stderr.
 */
import { toErrorPayload } from '../../src-shared/errors';
import { resolveDataPaths } from '../host/dataPaths';
import { appDataFolder } from '../transport/appDataFolder';
import { COMMANDS, findCommand } from './commands/index';
import { CliContext } from './context';
import { commandHelp, mainHelp } from './help';
import { Output, type CliStreams } from './output';
import { findCommandName, parseCommand, parseGlobalOnly } from './parseCommandLine';
import { UsageError } from './usageError';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

const processStreams: CliStreams = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
};

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, streams: CliStreams = processStreams): Promise<number> {
  const { name, rest } = findCommandName(argv);
  const early = parseGlobalOnly(argv);
  let out = new Output(early.json, streams);
  if (!name) {
    out.lines(mainHelp(COMMANDS));
    return early.help ? EXIT_OK : EXIT_USAGE;
  }
  let ctx: CliContext | null = null;
  try {
    const command = findCommand(name);
    if (!command) throw new UsageError(`unknown command "${name}" (run \`abstractruntime --help\` for the list)`);
    const { globals, input } = parseCommand(command, rest);
    out = new Output(globals.json, streams);
    if (globals.help) {
      new Output(false, streams).lines(commandHelp(command));
      return EXIT_OK;
    }
    const paths = resolveDataPaths({ ...env, ...(globals.db ? { ABSTRACTRUNTIME_DB: globals.db } : {}) }, { dataDir: appDataFolder(env) });
    ctx = new CliContext(out, { dbPath: paths.dbPath, dataDir: paths.dataDir }, env);
    return (await command.run(ctx, input)) ?? EXIT_OK;
  } catch (err) {
    const { code, message } = toErrorPayload(err);
    out.error(code, message);
    return err instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    await ctx?.close().catch((err) => out.error('CLOSE_FAILED', (err as Error).message));
  }
}
