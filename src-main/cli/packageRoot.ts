/**
 * The folder holding this package's package.json, found by walking up from this module:
 * the same answer from the TypeScript sources (src-main/cli) and from the prebuilt bundle
 * (out/cli), so paths like out/web do not depend on where the code was compiled to.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRoot(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}
