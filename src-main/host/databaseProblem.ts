/** Stores that sit on a file say when that file is no longer the one they opened (deleted or replaced). */
export function databaseProblem(store: unknown): string | null {
  const s = store as { fileProblem?: () => string | null };
  return typeof s.fileProblem === 'function' ? s.fileProblem() : null;
}
