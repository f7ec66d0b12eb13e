/**
 * read_text_file and list_folder: trusted (they only read) and idempotent, confined to
 * the allowed folders and kept out of the runtime's own files (PathPolicy decides both).
 */
import { existsSync, type Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolDefinition } from '../registry';
import { PathPolicy } from './pathPolicy';

export const MAX_READ_BYTES = 10_000_000;
const DEFAULT_READ_BYTES = 1_000_000;
const MAX_ENTRIES = 1000;

export function fileTools(allowedFolders: string[] | (() => string[]), forbidden: string[] = []): ToolDefinition[] {
  const policy = new PathPolicy({ allowed: allowedFolders, forbidden });
  return [
    {
      name: 'read_text_file',
      description: `Reads a UTF-8 text file inside the allowed folders (${policy.describeAllowed()}). Relative paths start at the first allowed folder.`,
      parameters: {
        type: 'object',
        properties: {
          path: { type: 'string', minLength: 1 },
          max_bytes: { type: 'integer', minimum: 1, maximum: MAX_READ_BYTES },
        },
        required: ['path'],
        additionalProperties: false,
      },
      trust: 'trusted',
      idempotent: true,
      timeoutMs: 10_000,
      execute: async (args) => readTextFile(policy, args.path as string, (args.max_bytes as number | undefined) ?? DEFAULT_READ_BYTES),
    },
    {
      name: 'list_folder',
      description: `Lists a folder inside the allowed folders (${policy.describeAllowed()}): names, types and sizes.`,
      parameters: {
        type: 'object',
        properties: { path: { type: 'string', minLength: 1 } },
        required: ['path'],
        additionalProperties: false,
      },
      trust: 'trusted',
      idempotent: true,
      timeoutMs: 10_000,
      execute: async (args) => listFolder(policy, args.path as string),
    },
  ];
}

async function readTextFile(policy: PathPolicy, path: string, maxBytes: number) {
  const { handle, real } = await policy.openForRead(path, false);
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${path} is not a file`);
    const buf = Buffer.alloc(Math.min(maxBytes, info.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, bytesRead);
    if (bytes.includes(0)) throw new Error(`${path} is not a text file (it contains NUL bytes)`);
    return { path: real, content: bytes.toString('utf8'), bytes: info.size, truncated: info.size > bytesRead };
  } finally {
    await handle.close();
  }
}

async function listFolder(policy: PathPolicy, path: string) {
  const { handle, real } = await policy.openForRead(path, true);
  let dirents: Dirent[];
  try {
    if (!(await handle.stat()).isDirectory()) throw new Error(`${path} is not a folder`);
    // Through the open handle where the platform names it, so the folder listed is the one checked.
    const opened = existsSync(`/proc/self/fd/${handle.fd}`) ? `/proc/self/fd/${handle.fd}` : real;
    dirents = (await readdir(opened, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    await handle.close();
  }
  const entries = await Promise.all(
    dirents.slice(0, MAX_ENTRIES).map(async (d) => {
      const type = d.isFile() ? 'file' : d.isDirectory() ? 'folder' : d.isSymbolicLink() ? 'symlink' : 'other';
      const size = d.isFile() ? ((await lstat(join(real, d.name)).catch(() => null))?.size ?? null) : null;
      return { name: d.name, type, size };
    }),
  );
  return { path: real, entries, truncated: dirents.length > MAX_ENTRIES };
}
