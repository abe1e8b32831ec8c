#!/usr/bin/env node
// Bundles the preloads into one CommonJS file each, dist/preload/: preload.cjs (the main window's, with
// what it imports from shared/) and gpu-preload.cjs (the hidden GPU renderer's). A sandboxed preload can
// require nothing but 'electron' (and a few Node built-ins), so everything else must be inside the file.
// Vite's library build does the bundling (vite is already a dependency for the renderer; no separate
// bundler needed), one build per file so that no chunk is shared between them.
// Usage: node scripts/build-preload.mjs [outDir]   (outDir defaults to dist/preload)
import { build } from 'vite';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(process.argv[2] ?? join(root, 'dist', 'preload'));

const preloads = [
  { source: 'preload.ts', file: 'preload.cjs' },
  { source: 'gpu-preload.ts', file: 'gpu-preload.cjs' },
];

for (const [index, { source, file }] of preloads.entries()) {
  await build({
    configFile: false,
    root,
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: index === 0,
      target: 'es2022',
      minify: false, // readable in a stack trace; it loads from local disk, size hardly matters
      sourcemap: false,
      reportCompressedSize: false,
      lib: {
        entry: join(root, 'src-main', source),
        formats: ['cjs'],
        fileName: () => file,
      },
      rollupOptions: { external: ['electron'] },
    },
  });
  console.log(`preload bundled into ${join(outDir, file)}`);
}
