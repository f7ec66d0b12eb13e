/**
 * What a run id may be: 1–200 characters of letters, digits and `. _ : @ + -`, starting with
 * a letter or digit. UUIDs (ours and the Python runtime's), `run-1` and `parent.child-1`
 * fit; nothing with a slash, a backslash, a space or a control character does, so a run id
 * is never a path and never needs escaping in a file name, a URL or a terminal.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@+-]{0,199}$/;

export const RUN_ID_RULE = '1–200 letters, digits or . _ : @ + -, starting with a letter or digit';

export function isValidRunId(id: unknown): id is string {
  return typeof id === 'string' && RUN_ID_PATTERN.test(id);
}
