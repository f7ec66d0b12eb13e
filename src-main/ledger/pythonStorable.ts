/**
 * Python files refused before import when a value in them cannot be stored exactly: a lone
 * surrogate (Python's json writes `"\ud800"` happily), a `__proto__` key, nesting past
 * MAX_JSON_DEPTH, or a number no value here keeps exactly (`1e400`, more digits than a
 * double holds; NaN / Infinity are kept by name). Caught here, each names the run, the file and the JSON path; let through,
 * the surrogate would come back from SQLite as U+FFFD and the run would report "content was
 * changed" forever. The depth is measured on the text, before any recursive parser.
 */
import type { CanonicalInput } from '../../src-shared/canonicalJson';
import { NonJsonValueError, NumberNotExactError } from '../../src-shared/errors';
import { foreignExact } from '../../src-shared/exactJson';
import { parseJsonLossless } from '../../src-shared/losslessJson';
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
  let raw: CanonicalInput;
  try {
    raw = parseJsonLossless(text);
  } catch {
    return; // text that is not JSON is reported by the reader of that file, with its own error
  }
  let value;
  try {
    // Numbers are kept as written (NaN / Infinity by name); one that cannot be is refused here.
    value = foreignExact(raw, root);
  } catch (err) {
    if (!(err instanceof NumberNotExactError)) throw err;
    throw new NumberNotExactError(`run ${runId}: ${file}: ${err.message}`, { ...err.details, runId, file });
  }
  const bad = findUnstorable(value, root);
  if (bad) throw new NonJsonValueError(`run ${runId}: ${file}: ${bad.message}`, { runId, file, path: bad.path, problem: bad.problem });
}
