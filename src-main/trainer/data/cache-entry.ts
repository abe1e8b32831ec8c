// Cache entries are folders written under a temporary name and renamed into place, so a crash or a second
// trainer working on the same corpus can never leave (or read) a half-written entry.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

export async function cacheEntryExists(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => undefined))?.isDirectory() ?? false;
}

/** Runs `fill` on a fresh temporary folder, then renames it to `dir`; if another writer won, keeps theirs. */
export async function writeCacheEntry(dir: string, fill: (tempDir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  const temp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  await mkdir(temp);
  try {
    await fill(temp);
    await rename(temp, dir);
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    // Another process finished the same entry first (same key, same content): use theirs.
    if (!(await cacheEntryExists(dir)) || !isAlreadyThere(error)) throw error;
  }
}

function isAlreadyThere(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM';
}
