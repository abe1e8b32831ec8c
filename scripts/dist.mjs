#!/usr/bin/env node
// npm run dist: build, then package the desktop app with electron-builder (installers land in release/).
// Extra arguments go to electron-builder, e.g. `npm run dist -- --linux AppImage` or `-- --mac --arm64`.
// electron-builder rebuilds better-sqlite3 for Electron in place (npmRebuild); afterwards this switches it
// back to the Node build, so the CLI and the tests keep working, whether packaging succeeded or not.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, useBuildFor } from './native-sqlite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (command, args) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' }).status ?? 1;

if (!electronBinary())
  console.warn(
    'note: the Electron binary is not installed here; electron-builder will try to download it ' +
      '(set -c.electronDist=<folder> to use a local copy).',
  );
let status = run(npm, ['run', 'build']);
if (status === 0)
  status = run(npm, ['exec', '--', 'electron-builder', '--publish', 'never', ...process.argv.slice(2)]);
try {
  useBuildFor('node');
} catch (error) {
  console.error(`could not switch better-sqlite3 back to Node: ${error.message}; run npm run rebuild:node`);
  status ||= 1;
}
process.exit(status);
