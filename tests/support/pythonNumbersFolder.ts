/**
 * A copy of the `ask_waiting` Python store fixture (a run waiting on a person) whose run file
 * also holds numbers a double cannot keep, spelled as Python's json writes them. The run file
 * is not hashed, so adding vars to it keeps the ledger valid.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PY_FIXTURES } from './pythonFixtures';

export const ASK_WAITING = '2f982b71-c70f-4e97-9c3f-c0a1bddc8459';
/** `vars.exact` as canonical JSON. */
export const EXACT_TEXT = '{"big":9007199254740993,"wide":98765432109876543210,"one":1.0,"negzero":-0.0,"tiny":1e-07,"huge":2.5e+20}';
/** The same members as an indented (Python `indent=2` / `stringifyExact(…, 2)`) document prints them. */
export const EXACT_LINES = [
  '"big": 9007199254740993',
  '"wide": 98765432109876543210',
  '"one": 1.0',
  '"negzero": -0.0',
  '"tiny": 1e-07',
  '"huge": 2.5e+20',
];

/** Writes the folder under `dir` and returns its path. */
export function pythonFolderWithNumbers(dir: string): string {
  const folder = join(dir, 'py');
  cpSync(join(PY_FIXTURES, 'ask_waiting'), folder, { recursive: true });
  const runFile = join(folder, `run_${ASK_WAITING}.json`);
  const members = EXACT_LINES.map((l) => `      ${l}`).join(',\n');
  writeFileSync(runFile, readFileSync(runFile, 'utf8').replace('"who": "Zoë",', `"who": "Zoë",\n    "exact": {\n${members}\n    },`));
  return folder;
}
