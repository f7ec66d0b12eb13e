/** Turns a failure to open the database into advice a person can act on. */
export function openFailureHint(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  if (
    /NODE_MODULE_VERSION|was compiled against a different|better_sqlite3\.node|invalid ELF header|Could not locate the bindings file/i.test(
      message,
    )
  ) {
    return (
      'better-sqlite3 is not built for this Electron version. On a machine with internet access run ' +
      '`npm run rebuild:electron` (it builds a separate copy for Electron and leaves the Node build used by the CLI and tests alone), ' +
      'or use the same inspector in a browser with `npm run serve`.'
    );
  }
  return 'Check that the data folder is writable, or set ABSTRACTRUNTIME_HOME / ABSTRACTRUNTIME_DB to another location.';
}
