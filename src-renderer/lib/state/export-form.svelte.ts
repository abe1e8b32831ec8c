// The export dialog's state: a format, a checkpoint, a location on the machine that runs the app (or the
// `raptr serve` host: the path is written there, not downloaded), and whether to overwrite.
import type { ExportResult } from '../../../shared/api-types.js';
import type { RaptrApi } from '../../../shared/ipc-contract.js';
import { call, messageOf } from './call.js';

export type ExportFormat = ExportResult['format'];

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

export class ExportForm {
  format: ExportFormat = $state('hf');
  /** latest, best eval loss, or the step of one checkpoint (from the checkpoints table). */
  checkpoint: 'latest' | 'best' | number = $state('latest');
  out = $state('');
  force = $state(false);
  busy = $state(false);
  error: string | null = $state(null);
  result: ExportResult | null = $state.raw(null);

  usesCheckpoint = $derived(EXPORT_FORMATS.find((f) => f.format === this.format)?.checkpoint ?? false);

  constructor(
    private readonly api: RaptrApi,
    readonly runId: string,
    private readonly runName: string,
    checkpoint: 'latest' | 'best' | number = 'latest',
  ) {
    this.checkpoint = checkpoint;
    this.out = this.suggestedPath();
  }

  /** A folder (or, for a bundle, a file) named after the run, relative to where the app runs. */
  suggestedPath(format: ExportFormat = this.format): string {
    const slug =
      this.runName
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '') || this.runId;
    return format === 'bundle' ? `exports/${slug}.raptr-bundle` : `exports/${slug}-${format}`;
  }

  setFormat(format: ExportFormat): void {
    const suggested = this.out === '' || this.out === this.suggestedPath();
    this.format = format;
    if (suggested) this.out = this.suggestedPath(format);
  }

  async submit(): Promise<ExportResult | null> {
    if (this.busy || this.out.trim() === '') return null;
    this.busy = true;
    this.error = null;
    this.result = null;
    try {
      this.result = await call(
        this.api.export.run({
          id: this.runId,
          format: this.format,
          out: this.out.trim(),
          force: this.force,
          ...(this.usesCheckpoint ? { checkpoint: this.checkpoint } : {}),
        }),
      );
      return this.result;
    } catch (error) {
      this.error = messageOf(error);
      return null;
    } finally {
      this.busy = false;
    }
  }
}
