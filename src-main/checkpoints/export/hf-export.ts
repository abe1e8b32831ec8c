// `raptr export --format hf`: a checkpoint as a folder `transformers` loads with from_pretrained:
// config.json, model.safetensors (Hugging Face names, float32), tokenizer.json, vocab.txt,
// tokenizer_config.json, special_tokens_map.json and a README. Post-LN models become BertForMaskedLM,
// pre-LN models RobertaPreLayerNormForMaskedLM (hf-layouts.ts says why and what differs).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeSafetensors } from '../safetensors.js';
import type { CheckpointModel } from './checkpoint-model.js';
import { ExportError } from './errors.js';
import { hfModelConfig, specialTokensMap, tokenizerConfig } from './hf-config.js';
import { hfTensors, type EncoderShape, type HfArchitecture } from './hf-layouts.js';
import { hfReadme } from './hf-readme.js';
import { buildHfTensor } from './hf-weights.js';
import { StagedOutput, type OutputOptions } from './output-path.js';

export interface HfExportResult {
  path: string;
  architecture: HfArchitecture;
  files: string[];
}

export function hfArchitectureFor(model: CheckpointModel): HfArchitecture {
  if (model.config.task.kind !== 'mlm')
    throw new ExportError(
      'unsupported-model',
      `this run trained the ${model.config.task.kind} task (a residual MLP); Hugging Face has no matching ` +
        'architecture. Use --format safetensors for its weights, name map and config',
    );
  return model.config.model.norm === 'post' ? 'bert' : 'roberta-prelayernorm';
}

export function encoderShape(model: CheckpointModel): EncoderShape {
  const { vocabSize, dModel, ffDim, seqLen } = model.config.model;
  return { vocabSize, dModel, ffDim, seqLen, depth: model.depth };
}

export async function exportHuggingFace(
  model: CheckpointModel,
  out: string,
  options: OutputOptions = {},
): Promise<HfExportResult> {
  const architecture = hfArchitectureFor(model);
  const { tokenizer } = model;
  if (!tokenizer)
    throw new ExportError('bad-checkpoint', 'the checkpoint has no tokenizer.json / vocab.txt to export');
  const shape = encoderShape(model);
  // Built before anything is written: a weight missing or of the wrong shape refuses the export.
  const tensors = hfTensors(architecture, shape).map((t) => buildHfTensor(model, t));
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  const task = model.config.task;
  const lowercase = task.kind === 'mlm' ? task.tokenizer.lowercase : true;
  const files = new Map<string, string | Uint8Array>([
    ['config.json', json(hfModelConfig(architecture, shape, model.config, model.step))],
    ['model.safetensors', encodeSafetensors(tensors, { format: 'pt' })],
    ['tokenizer.json', tokenizer.json],
    ['vocab.txt', tokenizer.vocab],
    ['tokenizer_config.json', json(tokenizerConfig(lowercase, shape.seqLen))],
    ['special_tokens_map.json', json(specialTokensMap())],
    ['README.md', hfReadme(architecture, model)],
  ]);
  const path = await StagedOutput.write(out, options, 'folder', async (temp) => {
    for (const [name, content] of files) await writeFile(join(temp, name), content);
  });
  return { path, architecture, files: [...files.keys()] };
}
