/**
 * The built-in tools. All trusted and idempotent, because none writes anything:
 * read_text_file / list_folder (allowed folders only), http_get (allow-listed hosts only),
 * current_time, add (demo).
 */
import type { ToolRegistry } from '../registry';
import { fileTools } from './fileTools';
import { httpGetTool } from './httpGet';
import { addTool, currentTimeTool } from './simpleTools';

export interface BuiltinToolOptions {
  /** Folders read_text_file and list_folder may read (none: they refuse every path). */
  allowedFolders?: string[] | (() => string[]);
  /** Hosts http_get may call: `host`, `host:port` or `*.domain` (none: it refuses every URL). */
  allowedHosts?: string[];
  /** The runtime's own files (data folder, database, anchors): out of every file tool's reach. */
  forbiddenPaths?: string[];
}

export function registerBuiltinTools(registry: ToolRegistry, opts: BuiltinToolOptions = {}): void {
  for (const tool of [
    ...fileTools(opts.allowedFolders ?? [], opts.forbiddenPaths ?? []),
    httpGetTool(opts.allowedHosts ?? []),
    currentTimeTool,
    addTool,
  ]) {
    registry.register(tool);
  }
}

export { addTool, currentTimeTool, fileTools, httpGetTool };
