// Child processes cannot run TypeScript on Node 20, so the crash test transpiles the files the child needs
// (TypeScript's own transpileModule, no bundler) into node_modules/.cache, where `zod` and `better-sqlite3`
// still resolve from the repository's node_modules.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SOURCES = [
  'src-main/store',
  'shared/trainer-protocol.ts',
  'shared/error-text.ts',
  'bench/store-stream.ts',
  'test/store/crash',
];

function typescriptFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  return readdirSync(path).flatMap((name) => typescriptFiles(join(path, name)));
}

/**
 * Returns the path of the compiled `entry` (a repository-relative .ts path) and a cleanup. The folder is
 * per process, so two test runs in one work tree never read each other's half-written files.
 */
export function compileForChild(entry: string): { path: string; cleanup: () => void } {
  const out = join(ROOT, 'node_modules', '.cache', `raptr-store-tests-${process.pid}`);
  // Inside node_modules the package-type lookup stops, so the folder declares itself an ES module.
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  for (const file of SOURCES.flatMap((source) => typescriptFiles(join(ROOT, source)))) {
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    });
    const target = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  return {
    path: join(out, entry.replace(/\.ts$/, '.js')),
    cleanup: () => rmSync(out, { recursive: true, force: true }),
  };
}
