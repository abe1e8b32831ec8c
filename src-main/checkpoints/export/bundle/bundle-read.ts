// Reading a run bundle for import, trusting nothing: the manifest must come first and parse, the archive
// must hold exactly the files it lists with their sizes and sha256s, metrics.json must parse, and every
// checkpoint must pass the same verification a resume does. Checkpoint files are unpacked into a staging
// folder the caller moves into place (or removes) at the end.
import { mkdir, open, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sha256, CheckpointError, readCheckpoint } from '../../format.js';
import { nestedTooDeep, TOO_DEEP } from '../../../../shared/json-depth.js';
import { describeFileError } from '../../../file-errors.js';
import { ExportError } from '../errors.js';
import { MetricsDocumentSchema, type MetricsDocument } from '../metrics-document.js';
import { MANIFEST_FILE, METRICS_FILE, ManifestSchema, type Manifest } from './manifest.js';
import { extractEntry, listTar, readEntry, TarFormatError, type TarEntry } from './tar.js';

export interface ReadBundle {
  manifest: Manifest;
  metrics: MetricsDocument;
}

const refuse = (file: string, why: string, cause?: unknown) =>
  new ExportError('bad-bundle', `${file}: ${why}; nothing was imported`, { cause });

function parseJson<T>(file: string, what: string, bytes: Buffer, parse: (value: unknown) => T): T {
  try {
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    // Checked before anything walks it: a hostile bundle must not overflow the stack on import.
    if (nestedTooDeep(value)) throw new Error(TOO_DEEP);
    return parse(value);
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw refuse(file, `${what} is not valid (${detail})`, error);
  }
}

async function openBundle(file: string): Promise<FileHandle> {
  try {
    const handle = await open(file, 'r');
    if ((await handle.stat()).isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('a folder'), { code: 'EISDIR' });
    }
    return handle;
  } catch (error) {
    throw new ExportError('bad-request', describeFileError(file, error), { cause: error });
  }
}

/** Verifies the bundle and unpacks its checkpoints under `staging/checkpoints/`. */
export async function readBundle(file: string, staging: string): Promise<ReadBundle> {
  const handle = await openBundle(file);
  try {
    let entries: TarEntry[];
    try {
      entries = await listTar(handle);
    } catch (error) {
      if (error instanceof TarFormatError)
        throw refuse(file, `not a readable bundle: ${error.message}`, error);
      throw error;
    }
    const [first, ...rest] = entries;
    if (!first || first.name !== MANIFEST_FILE)
      throw refuse(file, `not a run bundle (${MANIFEST_FILE} is not its first file)`);
    const manifest = parseJson(file, MANIFEST_FILE, await readEntry(handle, first), (v) =>
      ManifestSchema.parse(v),
    );
    const listed = new Map(manifest.files.map((f) => [f.name, f]));
    if (listed.size !== manifest.files.length) throw refuse(file, 'its manifest lists a file twice');
    const present = new Set<string>();
    for (const entry of rest) {
      const expected = listed.get(entry.name);
      if (!expected)
        throw refuse(file, `it holds ${entry.name}, which its manifest does not list (tampered?)`);
      if (present.has(entry.name)) throw refuse(file, `it holds ${entry.name} twice (tampered?)`);
      present.add(entry.name);
      if (entry.size !== expected.bytes)
        throw refuse(
          file,
          `${entry.name} is ${entry.size} bytes, the manifest says ${expected.bytes} (tampered or damaged)`,
        );
    }
    const missing = manifest.files.find((f) => !present.has(f.name));
    if (missing) throw refuse(file, `${missing.name} is missing (truncated?)`);

    let metrics: MetricsDocument | null = null;
    for (const entry of rest) {
      const expected = listed.get(entry.name)!;
      let actual: string;
      if (entry.name === METRICS_FILE) {
        const bytes = await readEntry(handle, entry);
        actual = sha256(bytes);
        if (actual === expected.sha256)
          metrics = parseJson(file, METRICS_FILE, bytes, (v) => MetricsDocumentSchema.parse(v));
      } else {
        const dest = join(staging, entry.name);
        await mkdir(dirname(dest), { recursive: true });
        actual = await extractEntry(handle, entry, dest);
      }
      if (actual !== expected.sha256)
        throw refuse(file, `${entry.name} fails its sha256 check (tampered or damaged)`);
    }
    if (!metrics) throw refuse(file, `${METRICS_FILE} is missing`);
    for (const c of manifest.checkpoints) {
      try {
        await readCheckpoint(join(staging, 'checkpoints', c.folder), c.sha256);
      } catch (error) {
        if (error instanceof CheckpointError)
          throw refuse(file, `its checkpoint at step ${c.step} is not valid (${error.message})`, error);
        throw error;
      }
    }
    return { manifest, metrics };
  } finally {
    await handle.close();
  }
}
