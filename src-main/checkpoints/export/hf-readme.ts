// The README.md of an exported Hugging Face folder: how to load it, and what (if anything) differs from the
// model as it was trained.
import type { CheckpointModel } from './checkpoint-model.js';
import type { HfArchitecture } from './hf-layouts.js';

export function hfReadme(arch: HfArchitecture, model: CheckpointModel): string {
  const cls = arch === 'bert' ? 'BertForMaskedLM' : 'RobertaPreLayerNormForMaskedLM';
  const { layers, norm } = model.config.model;
  const lines = [
    `# ${model.config.name ?? 'RaPTr Studio model'} (step ${model.step})`,
    '',
    `Exported by RaPTr Studio: a ${norm}-LN BERT-style encoder with its masked-language-model head, as \`${cls}\`.`,
    '',
    '```python',
    'from transformers import AutoModelForMaskedLM, AutoTokenizer',
    'model = AutoModelForMaskedLM.from_pretrained("path/to/this/folder")',
    'tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")',
    '```',
    '',
    '- Weights are float32. The decoder is tied to the word embeddings; its bias is the head bias.',
    '- The model has no token types: the token-type embeddings are zeros (2 rows, so pair encodings work).',
    '- GELU is the tanh approximation (`hidden_act: gelu_new`), as in training.',
  ];
  if (model.depth < layers)
    lines.push(
      `- This checkpoint is from a gradual-stacking run before its last stage: the model has ${model.depth} of ` +
        `its final ${layers} blocks, and that is what is exported.`,
    );
  if (arch === 'roberta-prelayernorm')
    lines.push(
      '- Position ids follow RoBERTa: a token at index p uses row p + 1 (row 0 is the padding row, kept at',
      '  zero). Use right padding; left padding shifts positions, as in any RoBERTa model.',
      '- The encoder (`RobertaPreLayerNormModel`) and the MLM head reproduce the trained model: the head was',
      '  trained with the exact (erf) GELU this architecture hard-codes, the encoder with `gelu_new`.',
    );
  return `${lines.join('\n')}\n`;
}
