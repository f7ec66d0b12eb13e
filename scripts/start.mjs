#!/usr/bin/env node
/**
 * `npm start`: the desktop app where it can run, the same inspector in a browser where it
 * cannot. A missing Electron binary is fetched first with Electron's own installer
 * (node_modules/electron/install.js); offline that fails and the web host starts instead.
 * Also `npm run rebuild:electron` (`--rebuild-electron`) and `--check`.
 *
 * better-sqlite3 is native. The tests and the CLI run on Node and use node_modules/better-sqlite3.
 * Electron needs a copy built for its own ABI: we keep it apart in out/node_modules/better-sqlite3,
 * which Node's module resolution finds first from out/main/index.js (the built main process),
 * so the Node build is never touched.
 */
import { spawnSync, spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const electronPkgDir = join(root, 'node_modules', 'electron');
const electronNativeDir = join(root, 'out', 'node_modules', 'better-sqlite3');
const electronNativeBinary = join(electronNativeDir, 'build', 'Release', 'better_sqlite3.node');

const say = (lines) => console.log(lines.join('\n'));

/** The Electron executable, or why there is none. */
function findElectron() {
  if (!existsSync(join(electronPkgDir, 'package.json'))) return { missing: 'the electron package is not installed (run npm ci)' };
  const pathFile = join(electronPkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: 'the Electron binary has not been downloaded', binaryOnly: true };
  const exe = join(electronPkgDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(exe)) return { missing: `the Electron binary is missing (${exe})`, binaryOnly: true };
  return { exe, version: JSON.parse(readFileSync(join(electronPkgDir, 'package.json'), 'utf8')).version };
}

/** Downloads the binary with Electron's installer; returns null on success, else why not. */
function fetchElectron() {
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD)
    return 'the Electron binary has not been downloaded, and ELECTRON_SKIP_BINARY_DOWNLOAD is set';
  console.log("the Electron binary is missing: downloading it with Electron's installer (node node_modules/electron/install.js)…");
  if (!run(process.execPath, [join(electronPkgDir, 'install.js')]))
    return 'the Electron binary could not be downloaded (no internet access?)';
  const found = findElectron();
  return found.missing ?? null;
}

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32', ...opts });
  return r.status === 0;
}

/** Builds better-sqlite3 for Electron into out/node_modules, leaving node_modules alone. */
function rebuildForElectron(electronVersion) {
  console.log(`building better-sqlite3 for Electron ${electronVersion} into ${electronNativeDir} (needs internet access)…`);
  rmSync(electronNativeDir, { recursive: true, force: true });
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  const buildDir = join(source, 'build');
  cpSync(source, electronNativeDir, { recursive: true, filter: (p) => p !== buildDir && !p.startsWith(buildDir + sep) });
  const prebuilt = run(
    process.execPath,
    [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${electronVersion}`, '--verbose'],
    { cwd: electronNativeDir },
  );
  const built =
    prebuilt ||
    run(
      process.execPath,
      [
        require.resolve('node-gyp/bin/node-gyp.js'),
        'rebuild',
        '--release',
        `--target=${electronVersion}`,
        '--dist-url=https://electronjs.org/headers',
        '--runtime=electron',
      ],
      {
        cwd: electronNativeDir,
      },
    );
  if (!built || !existsSync(electronNativeBinary)) {
    rmSync(electronNativeDir, { recursive: true, force: true });
    return false;
  }
  console.log('better-sqlite3 for Electron is ready; the Node build in node_modules is unchanged.');
  return true;
}

function explainNoDesktop(reason) {
  say([
    '',
    `AbstractRuntime desktop cannot start here: ${reason}.`,
    '',
    'On a machine with internet access and a display, `npm start` downloads what the desktop',
    'app needs by itself. By hand, the same steps:',
    '  1. node node_modules/electron/install.js      # downloads the Electron binary',
    '  2. npm run rebuild:electron                     # better-sqlite3 for Electron, kept apart in out/node_modules',
    '  3. npm start',
    '',
    'The same inspector runs in any browser: `npm run serve` (starting it now).',
    '',
  ]);
}

function serveInstead() {
  const webDir = process.env.ABSTRACTRUNTIME_WEB_DIR || join(root, 'out', 'web');
  if (!existsSync(join(webDir, 'index.html'))) {
    console.log('building the inspector for the browser (npm run build:web)…');
    if (!run('npm', ['run', 'build:web'])) console.log('the build failed: the web host will serve the API and a page saying how to build.');
  }
  const child = spawn(process.execPath, [join(root, 'bin', 'abstractruntime.mjs'), 'serve', ...process.argv.slice(2)], {
    cwd: root,
    stdio: 'inherit',
  });
  forwardSignals(child);
}

function forwardSignals(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

function startDesktop(electron) {
  if (!existsSync(electronNativeBinary) && !rebuildForElectron(electron.version)) {
    return (explainNoDesktop('better-sqlite3 could not be built for Electron (no internet access?)'), serveInstead());
  }
  if (!run('npx', ['electron-vite', 'build'])) process.exit(1);
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron.exe, [root], { cwd: root, stdio: 'inherit', env });
  forwardSignals(child);
}

const args = new Set(process.argv.slice(2));
const electron = findElectron();
if (args.has('--rebuild-electron')) {
  if (electron.missing && !existsSync(join(electronPkgDir, 'package.json'))) {
    console.error(`cannot rebuild: ${electron.missing}`);
    process.exit(1);
  }
  const version = JSON.parse(readFileSync(join(electronPkgDir, 'package.json'), 'utf8')).version;
  process.exit(rebuildForElectron(version) ? 0 : 1);
} else if (args.has('--require-electron-native')) {
  // `npm run dist` packages out/node_modules/better-sqlite3: refuse to package a Node-ABI build.
  if (!existsSync(electronNativeBinary)) {
    console.error('better-sqlite3 has not been built for Electron: run `npm run rebuild:electron` first (needs internet access).');
    process.exit(1);
  }
} else if (args.has('--check')) {
  say([
    `electron binary: ${electron.exe ?? `missing: ${electron.missing}`}`,
    `display: ${hasDisplay() ? 'yes' : 'none (DISPLAY/WAYLAND_DISPLAY unset)'}`,
    `better-sqlite3 for Electron: ${existsSync(electronNativeBinary) ? electronNativeBinary : 'not built (npm run rebuild:electron)'}`,
  ]);
} else if (!hasDisplay()) {
  // Checked first: without a display there is no point downloading a window.
  explainNoDesktop('there is no display (DISPLAY / WAYLAND_DISPLAY unset)');
  serveInstead();
} else if (electron.missing) {
  const why = electron.binaryOnly ? fetchElectron() : electron.missing;
  if (why) {
    explainNoDesktop(why);
    serveInstead();
  } else startDesktop(findElectron());
} else {
  startDesktop(electron);
}
