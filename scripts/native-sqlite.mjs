#!/usr/bin/env node
// better-sqlite3 is a native module: one build loads in Node (CLI, `raptr serve`, tests) or in Electron
// (the desktop app), never both, because their ABIs differ. This script switches the build in
// node_modules between the two and keeps each one in a cache, so switching back is a file copy, not a
// recompile.
//   node scripts/native-sqlite.mjs electron   (npm run rebuild:electron; npm start does it for you)
//   node scripts/native-sqlite.mjs node       (npm run rebuild:node; after the desktop app or npm run dist)
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const binary = join(
  dirname(require.resolve('better-sqlite3/package.json')),
  'build',
  'Release',
  'better_sqlite3.node',
);
const cacheDir = join(root, 'node_modules', '.cache', 'raptr-native');
const probe = "new (require('better-sqlite3'))(':memory:').close()";
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The Electron executable when its binary was downloaded; null when only its types are installed. */
export function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

function loadsIn(runtime) {
  const command = runtime === 'node' ? process.execPath : electronBinary();
  if (!command || !existsSync(binary)) return false;
  const env = { ...process.env, ELECTRON_RUN_AS_NODE: '1' }; // Electron as plain Node: no window
  return spawnSync(command, ['-e', probe], { cwd: root, env, stdio: 'ignore' }).status === 0;
}

function cached(runtime) {
  const version =
    runtime === 'node' ? `abi${process.versions.modules}` : require('electron/package.json').version;
  return join(cacheDir, `better_sqlite3-${runtime}-${version}-${process.platform}-${process.arch}.node`);
}

function run(command, args) {
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status})`);
}

/** Makes node_modules' better-sqlite3 load in `runtime`, from the cache if possible. */
export function useBuildFor(runtime) {
  if (runtime === 'electron' && !electronBinary())
    throw new Error('the Electron binary is not installed, so there is nothing to build better-sqlite3 for');
  if (loadsIn(runtime)) return;
  mkdirSync(cacheDir, { recursive: true });
  const other = runtime === 'node' ? 'electron' : 'node';
  // Keep the build being replaced: switching back later is then a copy.
  if (existsSync(binary) && loadsIn(other)) copyFileSync(binary, cached(other));
  if (existsSync(cached(runtime))) {
    copyFileSync(cached(runtime), binary);
    if (loadsIn(runtime)) return;
  }
  console.log(`Building better-sqlite3 for ${runtime === 'node' ? `Node ${process.version}` : 'Electron'}…`);
  if (runtime === 'node') run(npm, ['rebuild', 'better-sqlite3']);
  else run(npm, ['exec', '--', 'electron-builder', 'install-app-deps']);
  if (!loadsIn(runtime))
    throw new Error(`better-sqlite3 still does not load in ${runtime} after the rebuild`);
  copyFileSync(binary, cached(runtime));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runtime = process.argv[2];
  if (runtime !== 'node' && runtime !== 'electron') {
    console.error('usage: node scripts/native-sqlite.mjs node|electron');
    process.exit(2);
  }
  try {
    useBuildFor(runtime);
    console.log(`better-sqlite3 is built for ${runtime}.`);
  } catch (error) {
    console.error(`native-sqlite: ${error.message}`);
    process.exit(1);
  }
}
