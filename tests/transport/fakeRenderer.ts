/** A stand-in for `out/web`: an index.html, two assets, and a secret file next to the folder. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function writeFakeRenderer(dir: string): string {
  const staticDir = join(dir, 'web');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(
    join(staticDir, 'index.html'),
    '<!doctype html><title>inspector</title><script type="module" src="./assets/app.js"></script>',
  );
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  writeFileSync(join(staticDir, 'assets', 'app.css'), 'body{}');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve me');
  return staticDir;
}
