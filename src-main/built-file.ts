// Files the build produces (the trainer entry, the SIMD kernels) are found from the compiled module, which
// sits in dist/, or from the TypeScript sources when tests import them directly; one rule for both.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The first of `relatives` (resolved against `from`, an import.meta.url) that exists, or an error naming
 * `what` and every place looked at.
 */
export function findBuiltFile(what: string, from: string, relatives: readonly string[]): string {
  const candidates = relatives.map((relative) => fileURLToPath(new URL(relative, from)));
  const found = candidates.find((path) => existsSync(path));
  if (!found) throw new Error(`${what} is not built (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}
