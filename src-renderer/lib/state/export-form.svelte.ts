// The export dialog's state: a format, a checkpoint, and where the export goes. In a browser (`raptr serve`)
// it is downloaded by default: the server writes it under its data folder (folder formats as one .zip) and
// the browser saves it. Kept on the server instead, it goes into the data folder's exports/ under a name the
// user gives. In the desktop app the server is this machine, so that folder is where it goes. Mistakes in
// the name are reported before anything is sent, and the server's refusals are said in the dialog's terms.
import type { ExportDownload, ExportResult } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { call, messageOf } from './call.js';

export type ExportFormat = ExportResult['format'];
export type ExportTarget = 'download' | 'server';

export const EXPORT_FORMATS: Array<{
  format: ExportFormat;
  label: string;
  help: string;
  checkpoint: boolean;
}> = [
  {
    format: 'hf',
    label: 'Hugging Face folder',
    help: 'config.json, tokenizer.json and model.safetensors that transformers loads',
    checkpoint: true,
  },
  { format: 'safetensors', label: 'safetensors', help: 'the weights with a name map', checkpoint: true },
  {
    format: 'csv',
    label: 'Metrics as CSV',
    help: 'every recorded metric point, one file per series',
    checkpoint: false,
  },
  { format: 'json', label: 'Metrics as JSON', help: 'every recorded metric point', checkpoint: false },
  {
    format: 'bundle',
    label: 'Run bundle',
    help: 'one file with the run, its metrics and a checkpoint, for raptr import',
    checkpoint: true,
  },
];

/** Why a name for exports/ cannot be used, or null: one folder or file name, nothing that leaves the folder. */
export function nameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'Give the export a name.';
  if (/[/\\]/.test(trimmed))
    return 'Give a plain name, without “/” or “\\”: exports go into the exports folder.';
  if (trimmed === '.' || trimmed === '..' || trimmed.startsWith('.'))
    return 'A name cannot start with a dot.';
  if (trimmed.length > 200) return 'Keep the name under 200 characters.';
  return null;
}

/** The server's refusal, in the dialog's words: it names command-line flags the dialog does not have. */
export function dialogMessage(message: string): string {
  if (/already exists/.test(message))
    return 'An export of that name is already there. Tick “Replace an earlier export of this name”, or choose another name.';
  return message
    .replace(/;? ?(choose another --out|add --force[^.;]*|--force only replaces exports)[.]?/g, '')
    .trim();
}

export class ExportForm {
  format: ExportFormat = $state('hf');
  /** latest, best eval loss, or the step of one checkpoint (from the checkpoints table). */
  checkpoint: 'latest' | 'best' | number = $state('latest');
  target: ExportTarget = $state('download');
  name = $state('');
  force = $state(false);
  busy = $state(false);
  /** Seconds since the export started, shown while it runs. */
  elapsed = $state(0);
  error: string | null = $state(null);
  result: ExportResult | null = $state.raw(null);
  download: ExportDownload | null = $state.raw(null);

  usesCheckpoint = $derived(EXPORT_FORMATS.find((f) => f.format === this.format)?.checkpoint ?? false);
  problem = $derived(this.target === 'server' ? nameProblem(this.name) : null);

  constructor(
    private readonly api: RaptrApi,
    readonly runId: string,
    private readonly runName: string,
    checkpoint: 'latest' | 'best' | number = 'latest',
    /** False in the desktop app: the "server" is this machine, its exports folder the place. */
    readonly canDownload = true,
  ) {
    this.checkpoint = checkpoint;
    this.target = canDownload ? 'download' : 'server';
    this.name = this.suggestedName();
  }

  /** Named after the run and the format; a bundle is one file. */
  suggestedName(format: ExportFormat = this.format): string {
    const slug =
      this.runName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || this.runId;
    return format === 'bundle' ? `${slug}.raptr-bundle` : `${slug}-${format}`;
  }

  setFormat(format: ExportFormat): void {
    const suggested = this.name === '' || this.name === this.suggestedName();
    this.format = format;
    if (suggested) this.name = this.suggestedName(format);
  }

  async submit(): Promise<void> {
    if (this.busy) return;
    this.error = this.problem;
    if (this.error) return;
    this.busy = true;
    this.result = null;
    this.download = null;
    this.elapsed = 0;
    const started = Date.now();
    const ticker = setInterval(() => (this.elapsed = Math.round((Date.now() - started) / 1000)), 1000);
    const checkpoint = this.usesCheckpoint ? { checkpoint: this.checkpoint } : {};
    try {
      if (this.target === 'download') {
        this.download = await call(
          this.api.export.download({ id: this.runId, format: this.format, ...checkpoint }),
        );
        this.result = this.download.result;
        saveDownload(this.download.file);
      } else {
        this.result = await call(
          this.api.export.run({
            id: this.runId,
            format: this.format,
            out: this.name.trim(),
            force: this.force,
            ...checkpoint,
          }),
        );
      }
    } catch (error) {
      this.error = dialogMessage(messageOf(error));
    } finally {
      clearInterval(ticker);
      this.busy = false;
    }
  }
}

/** Lets the browser save the file the server prepared (same origin: the access cookie goes with it). */
export function saveDownload(file: string): void {
  const link = document.createElement('a');
  link.href = `api/downloads/${encodeURIComponent(file)}`;
  link.download = file;
  link.click();
}
