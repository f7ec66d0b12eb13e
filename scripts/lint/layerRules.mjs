// The layer map of docs/proposal.md ("Layered coupling") as data: which imports each layer
// may not make. ESLint enforces it (scripts/lint/importBoundaries.mjs); a test keeps this
// list and the table in the doc identical, so neither can drift from the other.
//
// A target is a folder of the repository (`src-main/store`) or a package (`electron`,
// `node:*` for every Node built-in). A folder rule covers every file beneath it.

/** @type {{ layer: string, forbidden: string[] }[]} */
export const LAYER_RULES = [
  { layer: 'src-shared', forbidden: ['src-main', 'src-renderer', 'electron', 'node:*'] },
  { layer: 'src-renderer', forbidden: ['src-main', 'electron', 'node:*'] },
  {
    layer: 'src-main/runtime',
    forbidden: [
      'src-main/store',
      'src-main/ledger',
      'src-main/effects',
      'src-main/workflows',
      'src-main/host',
      'src-main/cli',
      'src-main/transport',
      'src-main/electron',
      'electron',
      'better-sqlite3',
      'pg',
      'postgres',
    ],
  },
  {
    layer: 'src-main/store',
    forbidden: [
      'src-main/ledger',
      'src-main/effects',
      'src-main/workflows',
      'src-main/host',
      'src-main/cli',
      'src-main/transport',
      'src-main/electron',
      'electron',
    ],
  },
  {
    layer: 'src-main/ledger',
    forbidden: [
      'src-main/store',
      'src-main/effects',
      'src-main/workflows',
      'src-main/host',
      'src-main/cli',
      'src-main/transport',
      'src-main/electron',
      'electron',
      'better-sqlite3',
      'pg',
      'postgres',
    ],
  },
  {
    layer: 'src-main/effects',
    forbidden: [
      'src-main/store',
      'src-main/host',
      'src-main/cli',
      'src-main/transport',
      'src-main/electron',
      'electron',
      'better-sqlite3',
      'pg',
      'postgres',
    ],
  },
  {
    layer: 'src-main/workflows',
    forbidden: ['src-main/store', 'src-main/host', 'src-main/cli', 'src-main/transport', 'src-main/electron', 'electron'],
  },
  { layer: 'src-main/host', forbidden: ['src-main/cli', 'src-main/transport', 'src-main/electron', 'electron'] },
  { layer: 'src-main/transport', forbidden: ['src-main/cli', 'src-main/electron', 'electron'] },
  { layer: 'src-main/cli', forbidden: ['src-main/electron', 'electron'] },
];
