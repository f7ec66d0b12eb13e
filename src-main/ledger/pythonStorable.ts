/**
 * Python files refused before import when a value in them cannot be stored exactly: a lone
 * surrogate (Python's json writes `"\ud800"` happily), a `__proto__` key, or nesting past
 * MAX_JSON_DEPTH. Caught here, each names the run, the file and the JSON path; let through,
 * the surrogate would come back from SQLite as U+FFFD and the run would report "content was
 * changed" forever. The depth is measured on the text, before any recursive parser.
 */
import { NonJsonValueError } from '../../src-shared/errors';
import { parseJsonLossless, toPlainJson } from '../../src-shared/losslessJson';
import { findUnstorable, jsonTextDepth, MAX_JSON_DEPTH } from '../../src-shared/storableJson';

/** A JSON Lines file (a Python ledger): each record checked, the path starting at its line. */
export function refuseUnstorableLines(runId: string, file: string, text: string): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim()) refuseUnstorable(runId, file, lines[i]!, `line ${i + 1}: $`);
  }
}

/** One JSON document (a run file, a snapshot, a RunHistoryBundle). */
export function refuseUnstorableText(runId: string, file: string, text: string): void {
  refuseUnstorable(runId, file, text, '$');
}

function refuseUnstorable(runId: string, file: string, text: string, root: string): void {
  if (jsonTextDepth(text) > MAX_JSON_DEPTH)
    throw new NonJsonValueError(`run ${runId}: ${file}: ${root} is nested deeper than ${MAX_JSON_DEPTH} levels`, {
      runId,
      file,
      path: root,
      problem: 'too_deep',
    });
  let value;
  try {
    value = toPlainJson(parseJsonLossless(text));
  } catch {
    return; // text that is not JSON is reported by the reader of that file, with its own error
  }
  const bad = findUnstorable(value, root);
  if (bad) throw new NonJsonValueError(`run ${runId}: ${file}: ${bad.message}`, { runId, file, path: bad.path, problem: bad.problem });
}
