/**
 * read_text_file and list_folder: trusted (they only read) and idempotent, confined to
 * the allowed folders. A path is checked twice: as written (no `..` escape) and after
 * resolving symlinks (no link pointing outside).
 */
import { realpath, readdir, stat, open } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ToolDefinition } from '../registry';

export const MAX_READ_BYTES = 10_000_000;
const DEFAULT_READ_BYTES = 1_000_000;
const MAX_ENTRIES = 1000;

export function fileTools(allowedFolders: string[]): ToolDefinition[] {
  const folders = allowedFolders.map((f) => resolve(f));
  return [
    {
      name: 'read_text_file',
      description: `Reads a UTF-8 text file inside the allowed folders (${folders.join(', ') || 'none configured'}). Relative paths start at the first allowed folder.`,
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
      execute: async (args) => readTextFile(folders, args.path as string, (args.max_bytes as number | undefined) ?? DEFAULT_READ_BYTES),
    },
    {
      name: 'list_folder',
      description: `Lists a folder inside the allowed folders (${folders.join(', ') || 'none configured'}): names, types and sizes.`,
      parameters: {
        type: 'object',
        properties: { path: { type: 'string', minLength: 1 } },
        required: ['path'],
        additionalProperties: false,
      },
      trust: 'trusted',
      idempotent: true,
      timeoutMs: 10_000,
      execute: async (args) => listFolder(folders, args.path as string),
    },
  ];
}

async function readTextFile(folders: string[], path: string, maxBytes: number) {
  const real = await confine(folders, path, false);
  const info = await stat(real);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  const handle = await open(real, 'r');
  try {
    const buf = Buffer.alloc(Math.min(maxBytes, info.size));
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const bytes = buf.subarray(0, bytesRead);
    if (bytes.includes(0)) throw new Error(`${path} is not a text file (it contains NUL bytes)`);
    return { path: real, content: bytes.toString('utf8'), bytes: info.size, truncated: info.size > bytesRead };
  } finally {
    await handle.close();
  }
}

async function listFolder(folders: string[], path: string) {
  const real = await confine(folders, path, true);
  const info = await stat(real);
  if (!info.isDirectory()) throw new Error(`${path} is not a folder`);
  const dirents = (await readdir(real, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const entries = await Promise.all(
    dirents.slice(0, MAX_ENTRIES).map(async (d) => {
      const type = d.isFile() ? 'file' : d.isDirectory() ? 'folder' : d.isSymbolicLink() ? 'symlink' : 'other';
      const size = d.isFile() ? (await stat(join(real, d.name)).catch(() => null))?.size ?? null : null;
      return { name: d.name, type, size };
    }),
  );
  return { path: real, entries, truncated: dirents.length > MAX_ENTRIES };
}

/** The real path of `path` when it lies inside an allowed folder (the folder itself only when `allowRoot`). */
async function confine(folders: string[], path: string, allowRoot: boolean): Promise<string> {
  if (folders.length === 0) throw new Error('no allowed folders are configured for file tools');
  const target = isAbsolute(path) ? resolve(path) : resolve(folders[0]!, path);
  if (!folders.some((f) => inside(f, target, allowRoot))) throw new Error(`${path} is outside the allowed folders`);
  const real = await realpath(target).catch((err: NodeJS.ErrnoException) => {
    throw new Error(err.code === 'ENOENT' ? `${path} does not exist` : `${path}: ${err.message}`);
  });
  const realFolders = await Promise.all(folders.map((f) => realpath(f).catch(() => f)));
  if (!realFolders.some((f) => inside(f, real, allowRoot))) throw new Error(`${path} leads outside the allowed folders (through a symlink)`);
  return real;
}

function inside(folder: string, target: string, allowRoot: boolean): boolean {
  const rel = relative(folder, target);
  if (rel === '') return allowRoot;
  return !rel.startsWith('..') && !isAbsolute(rel);
}
