// --out DIR: everything is written to a sibling temp folder and renamed to DIR only when the run ends
// well, so a failed run leaves no half-written output folder.
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { InputError } from './input-error.js';

export class OutputFolder {
  readonly temp: string;
  private readonly events: WriteStream;

  constructor(readonly final: string) {
    this.final = resolve(final);
    if (existsSync(this.final) && readdirSync(this.final).length > 0)
      throw new InputError([`--out ${final}: the folder exists and is not empty; choose a new folder`]);
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
    if (existsSync(this.final)) rmSync(this.final, { recursive: true });
    renameSync(this.temp, this.final);
  }

  /** Removes everything written so far. */
  async discard(): Promise<void> {
    await new Promise<void>((done) => this.events.end(done));
    rmSync(this.temp, { recursive: true, force: true });
  }
}
