// `raptr export --format safetensors`: the weights exactly as trained (our names, model.safetensors copied
// byte for byte), the documented name map, the run config, and the tokenizer of an MLM run. For models or
// uses the Hugging Face layouts do not cover, such as the polynomial task's residual MLP.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LoadedCheckpoint } from '../format.js';
import type { CheckpointModel } from './checkpoint-model.js';
import { nameMap } from './name-map.js';
import { StagedOutput, type OutputOptions } from './output-path.js';

export interface SafetensorsExportResult {
  path: string;
  files: string[];
}

export async function exportSafetensors(
  loaded: LoadedCheckpoint,
  model: CheckpointModel,
  out: string,
  options: OutputOptions = {},
): Promise<SafetensorsExportResult> {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const files = new Map<string, string | Uint8Array>([
    ['model.safetensors', loaded.files.get('model.safetensors')!],
    ['name-map.json', json(nameMap(model))],
    ['config.json', json(model.config)],
  ]);
  if (model.tokenizer) {
    files.set('tokenizer.json', model.tokenizer.json);
    files.set('vocab.txt', model.tokenizer.vocab);
  }
  files.set('README.md', readme(model));
  const path = await StagedOutput.write(out, options, 'folder', async (temp) => {
    for (const [name, content] of files) await writeFile(join(temp, name), content);
  });
  return { path, files: [...files.keys()] };
}

function readme(model: CheckpointModel): string {
  const what = model.config.task.kind === 'mlm' ? 'BERT-style encoder with its MLM head' : 'residual MLP';
  return [
    `# ${model.config.name ?? 'RaPTr Studio model'} (step ${model.step})`,
    '',
    `The weights of a ${what}, as trained by RaPTr Studio (float32, our parameter names).`,
    '',
    '- `model.safetensors`: the weights, unchanged.',
    '- `name-map.json`: every tensor with its shape and meaning, the formulas of the forward pass, and for the',
    '  encoder the Hugging Face name each tensor has in `raptr export --format hf`.',
    '- `config.json`: the run configuration (model shape under `model`).',
    ...(model.tokenizer
      ? [
          '- `tokenizer.json`, `vocab.txt`: the WordPiece tokenizer ([PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4).',
        ]
      : []),
    '',
  ].join('\n');
}
