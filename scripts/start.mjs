#!/usr/bin/env node
// npm start: build, then open RaPTr Studio. With the Electron binary installed that is the desktop app
// (`electron .`); without it (ELECTRON_SKIP_BINARY_DOWNLOAD, an offline install, a headless box) it is
// the same app in the browser through `raptr serve --open`. Extra arguments go to whichever starts.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronBinary, useBuildFor } from './native-sqlite.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const extra = process.argv.slice(2);

const built = spawnSync(npm, ['run', 'build'], {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
if (built.status !== 0) process.exit(built.status ?? 1);

const electron = electronBinary();
if (electron) {
  // The desktop app needs better-sqlite3 built for Electron; switch back afterwards so the CLI and
  // the tests (plain Node) keep working. Both builds are cached, so each switch is a file copy.
  useBuildFor('electron');
  const code = await runUntilExit(electron, ['.', ...extra]);
  useBuildFor('node');
  process.exit(code);
}

console.log(
  [
    '',
    'RaPTr Studio: the desktop window needs the Electron binary, which is not installed here',
    '(npm skipped its download: offline install, ELECTRON_SKIP_BINARY_DOWNLOAD, or allowScripts).',
    'To get it on a machine with internet access: node node_modules/electron/install.js',
    '',
    'Opening the same app in your browser instead (raptr serve --open). Ctrl-C stops it.',
    '',
  ].join('\n'),
);
process.exit(
  await runUntilExit(process.execPath, [join(root, 'bin', 'raptr.js'), 'serve', '--open', ...extra]),
);

/** Runs a child in this terminal; Ctrl-C reaches it (same process group) and it decides how to stop. */
function runUntilExit(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    const ignore = () => {}; // the child handles Ctrl-C (runs stop with a checkpoint); we wait for it
    process.on('SIGINT', ignore);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.on('error', (error) => {
      console.error(`could not start ${command}: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', ignore);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
