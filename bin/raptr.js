#!/usr/bin/env node
// The `raptr` command. It runs the compiled CLI, so run `npm run build` first.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'src-main', 'cli', 'index.js');
if (!existsSync(entry)) {
  console.error('raptr: the CLI is not built yet. Run `npm run build` in the RaPTr Studio folder first.');
  process.exit(1);
}
await import(pathToFileURL(entry).href);
