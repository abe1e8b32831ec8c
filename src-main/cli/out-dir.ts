// --out DIR: everything is written to a sibling temp folder and renamed to DIR only when the run ends
// well, so a failed run leaves no half-written output folder. DIR is where the user says (`~` expanded),
// but never the run database or a run folder, and never a file or a folder that is not empty.
import {
  createWriteStream,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ExportError, exportTarget } from '../checkpoints/export/index.js';
import { InputError } from './input-error.js';

export class OutputFolder {
  readonly final: string;
  readonly temp: string;
  private readonly events: WriteStream;

  constructor(requested: string, databasePath: string) {
    try {
      this.final = exportTarget(requested, 'cli', databasePath);
    } catch (error) {
      throw error instanceof ExportError ? new InputError([`--out: ${error.message}`]) : error;
    }
    const existing = lstatOrNull(this.final);
    if (existing && !existing.isDirectory())
      throw new InputError([
        `--out ${requested}: ${this.final} exists and is not a folder; choose a new folder`,
      ]);
    if (existing && readdirSync(this.final).length > 0)
      throw new InputError([`--out ${requested}: the folder exists and is not empty; choose a new folder`]);
    this.temp = join(dirname(this.final), `.${basename(this.final)}.partial-${process.pid}`);
    mkdirSync(this.temp, { recursive: true });
    this.events = createWriteStream(join(this.temp, 'events.jsonl'));
  }

  event(message: unknown): void {
    this.events.write(`${JSON.stringify(message)}\n`);
  }

  writeJson(name: string, value: unknown): void {
    writeFileSync(join(this.temp, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  /** Moves the finished folder into place. */
  async commit(): Promise<void> {
    await new Promise<void>((done) => this.events.end(done));
    if (lstatOrNull(this.final)) rmdirSync(this.final); // the empty folder it was; never anything more
    renameSync(this.temp, this.final);
  }

  /** Removes everything written so far. */
  async discard(): Promise<void> {
    await new Promise<void>((done) => this.events.end(done));
    rmSync(this.temp, { recursive: true, force: true });
  }
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
