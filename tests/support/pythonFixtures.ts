/** The runs the real Python AbstractRuntime 0.4.28 wrote (tests/fixtures/…/README.md says what each folder is). */
import { resolve } from 'node:path';

export const PY_FIXTURES = resolve(import.meta.dirname, '../fixtures/abstractruntime-py-0.4.28');

/** Every folder holding a Python JSON-file store (`history/` holds a RunHistoryBundle instead). */
export const PY_STORE_FOLDERS = [
  'ask',
  'ask_waiting',
  'event',
  'event_waiting',
  'nan',
  'offload',
  'pure',
  'stress',
  'stress2',
  'unchained',
  'until',
  'until_waiting',
];

/** Those whose ledgers carry Python's hash chain. */
export const PY_CHAINED_FOLDERS = PY_STORE_FOLDERS.filter((f) => f !== 'unchained');
