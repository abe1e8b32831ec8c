// One line of help per config field that needs it, from the schema's own comments (shared/config/schema.ts)
// and RAPTR.md. Details the paper does not pin down are marked unverified, as RAPTR.md asks.

export interface FieldHelp {
  label?: string;
  help?: string;
  /** The paper's text could not confirm this detail; the default is our reading. */
  unverified?: boolean;
  /** A group shown unfolded: it holds what most runs change. */
  open?: boolean;
}

export const FIELD_HELP: Record<string, FieldHelp> = {
  name: { label: 'Run name', help: 'Shown in the runs table; defaults to the preset name.' },
  task: { help: 'mlm: BERT-style masked language modelling. polynomial: boolean polynomial regression.' },
  'task.inputDim': { label: 'input bits (d)', help: 'x is uniform on {-1,+1}^d.' },
  'task.terms': {
    help: 'The polynomial terms; default: the staircase of degrees 1-4 (a reconstruction, ours).',
  },
  'task.evalSamples': { help: 'Fresh samples used to estimate each per-degree error.' },
  'task.corpus': { help: 'builtin: State of the Union addresses 1790-2021, public domain.' },
  'task.maskProb': { help: 'Fraction of tokens predicted; of those 80% [MASK], 10% random, 10% kept.' },
  'task.heldOutFraction': { help: 'Documents held out for evaluation (split by document).' },
  'task.evalBatches': { help: 'Held-out batches per evaluation (the same batches every time).' },
  'task.evalMasking': {
    label: 'held-out masking',
    help: 'every-target: [MASK] at every held-out target, so no answer can be copied. training-rule: the 80/10/10 rule runs before this option used.',
  },
  'task.probes': {
    label: 'downstream probes',
    help: 'Probes on the frozen full model, each beside its baselines.',
  },
  'model.layers': {
    label: 'layers (L)',
    help: 'Transformer blocks (residual MLP blocks for the polynomial task).',
  },
  'model.heads': { help: 'Must divide dModel.' },
  'model.ffDim': { help: 'Hidden width of each block’s MLP.' },
  'model.norm': { help: 'pre: x + f(LN(x)) with a final LN. post: LN(x + f(x)), the original BERT.' },
  policy: {
    help: 'raptr: random subnetworks growing stage by stage. full: the baseline. pld: progressive layer dropping.',
  },
  'policy.schedule': { label: 'schedule', open: true },
  'policy.schedule.label': {
    label: 'stage sizes',
    help: 'Expected active blocks per stage, e.g. 6-8-10-12; p_s = (n_s - |I|) / (L - |I|).',
  },
  'policy.schedule.stages': {
    help: 'Explicit stages (length and p or size each); edit through JSON import.',
  },
  'policy.schedule.lengths': {
    help: 'equal stages (BERT), or proportional to the stage index 1:2:…:k (UL2).',
  },
  'policy.schedule.fixed': {
    label: 'fixed layers (I)',
    help: 'Always trained; -1 is the last block. The paper fixes the first and last.',
  },
  'policy.schedule.initialFullSteps': {
    help: 'Train the full model this many steps first (the paper’s UL2 variant).',
  },
  'policy.scale': {
    help: 'Branch factor when k of L blocks run: none 1, linear L/k, sqrt √(L/k).',
    unverified: true,
  },
  'policy.scaleBy': {
    help: 'k is the blocks sampled this step, or the schedule’s expected number.',
    unverified: true,
  },
  'policy.sampler': { help: 'bernoulli: each free block with p. exact-k: exactly n_s − |I| free blocks.' },
  'policy.skippedGrad': {
    help: 'none: bypassed blocks get no update. zero: a zero gradient, so Adam’s momentum still moves them.',
    unverified: true,
  },
  'policy.thetaBar': { label: 'θ̄', help: 'Keep probability PLD decays toward.' },
  'policy.gamma': { label: 'γ', help: 'Decay rate of PLD’s keep probability per step.' },
  'policy.keepProb': { help: 'Constant keep probability of each free block.' },
  'policy.fixed': { label: 'fixed layers', help: 'Always trained; -1 is the last block.' },
  'policy.label': { label: 'depths', help: 'Depth per stage, e.g. 6-9-12; the last must equal L.' },
  'policy.stageWarmupSteps': { help: 'LR warmup at the start of every stage; default: the optimizer’s.' },
  'optimizer.lr': { label: 'learning rate' },
  'optimizer.warmupSteps': {
    help: 'One global warmup + decay over the run, not reset at stage boundaries. Default 10% of steps, ≤ 100.',
    unverified: true,
  },
  'optimizer.minLrRatio': { help: 'Final learning rate as a fraction of lr.' },
  'optimizer.gradClip': { help: 'Clip the global gradient norm; 0 turns clipping off.' },
  'training.steps': { help: 'Optimizer steps; the stages divide them.' },
  'training.evalEvery': {
    help: 'Evaluate the full model every N steps (0: only at stage ends and the end).',
  },
  'training.transitionWindow': { help: 'Steps averaged on each side of a stage change.' },
  'training.checkpointEvery': { help: 'Checkpoint every N steps (0: only at the end).' },
  'training.backend': {
    help: 'auto: CUDA (tfjs-node-gpu) when it loads, else WebGPU on a real GPU, else wasm, else cpu. webgpu by name also takes a software adapter.',
  },
  'training.threads': {
    help: 'CPU threads (wasm). Empty: the cores this run is given; CPU runs side by side share them. Results do not change.',
  },
};

/** "dModel" -> "d model", "initialFullSteps" -> "initial full steps". */
export function humanize(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function helpFor(path: string, key: string): Required<Pick<FieldHelp, 'label'>> & FieldHelp {
  const entry = FIELD_HELP[path] ?? {};
  return { ...entry, label: entry.label ?? humanize(key) };
}
