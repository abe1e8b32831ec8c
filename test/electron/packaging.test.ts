// electron-builder.yml checked without packaging (no Electron binary here): it passes electron-builder's own
// schema, names the four installer targets, ships every file the app loads at run time, and keeps the
// native and WebAssembly files out of app.asar.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RENDERER_INDEX } from '../../src-main/electron/renderer-source.js';

const root = join(import.meta.dirname, '..', '..');
const requireHere = createRequire(import.meta.url);
// js-yaml and the validator are electron-builder's own modules: load them from there.
const builder = createRequire(requireHere.resolve('app-builder-lib'));
const yaml = builder('js-yaml') as { load(text: string): unknown };
const { validateConfiguration } = builder('app-builder-lib/out/util/config/config') as {
  validateConfiguration(config: unknown, logger: unknown): Promise<void>;
};
const { DebugLogger } = builder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

interface BuilderConfig {
  files: string[];
  asarUnpack: string[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
}
const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };

/** electron-builder's glob, reduced to what the file uses: "**", "*" and leading "!" for exclusions. */
function shipped(path: string): boolean {
  const matches = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\/?/g, '<any>')
        .replace(/\*/g, '[^/]*')
        .replace(/<any>/g, '.*')}$`,
    ).test(path);
  let included = false;
  for (const pattern of config.files)
    if (pattern.startsWith('!')) included &&= !matches(pattern.slice(1));
    else included ||= matches(pattern);
  return included;
}

describe('the packaging config', () => {
  it("passes electron-builder's schema", async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds AppImage + deb, dmg and nsis, rebuilding native modules for Electron', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.npmRebuild).toBe(true);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, onlyLoadAppFromAsar: true });
  });

  it('ships every file the app loads, and not the benchmarks', () => {
    const loaded = [
      packageJson.main,
      'package.json',
      'dist/preload/preload.cjs',
      RENDERER_INDEX.split('\\').join('/'),
      'dist/renderer/assets/index-abc.js',
      'dist/src-main/trainer/entry.js',
      'dist/kernels/raptr-kernels.wasm',
    ];
    expect(packageJson.main).toBe('dist/src-main/main.js');
    expect(loaded.filter((path) => !shipped(path))).toEqual([]);
    expect(shipped('dist/bench/run-all.js')).toBe(false);
    expect(shipped('dist/src-main/main.js.map')).toBe(false);
  });

  it('unpacks native modules and WebAssembly from app.asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/better-sqlite3/**',
        '**/node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
        '**/node_modules/@tensorflow/tfjs-node-gpu/**',
        'dist/kernels/*.wasm',
      ]),
    );
  });
});
