#!/usr/bin/env node
// Bundles src-main/preload.ts and what it imports from shared/ into one CommonJS file,
// dist/preload/preload.cjs. A sandboxed preload can require nothing but 'electron' (and a few Node
// built-ins), so everything else must be inside the file. Vite's library build does the bundling (vite
// is already a dependency for the renderer; no separate bundler needed).
// Usage: node scripts/build-preload.mjs [outDir]   (outDir defaults to dist/preload)
import { build } from 'vite';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'preload'));

await build({
  configFile: false,
  root,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    minify: false, // readable in a stack trace; it loads from local disk, size hardly matters
    sourcemap: false,
    reportCompressedSize: false,
    lib: {
      entry: join(root, 'src-main', 'preload.ts'),
      formats: ['cjs'],
      fileName: () => 'preload.cjs',
    },
    rollupOptions: { external: ['electron'] },
  },
});
console.log(`preload bundled into ${join(outDir, 'preload.cjs')}`);
