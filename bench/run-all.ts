// `npm run bench`: every benchmark, printed as one JSON object on stdout. Ratios matter more than absolute
// times on a noisy machine: each benchmark compares its variants inside one process.
import { benchSkip, BERT_MINI_BENCH } from '../src-main/trainer/bench/skip-bench.js';
import { benchStore } from './store.js';

const results = {
  // BERT-mini, full vs 6 of 12 blocks (the "bench step").
  step: await benchSkip(BERT_MINI_BENCH),
  // A shallow, wide model: skipping must save time even when the fixed costs weigh more.
  skip_l4: await benchSkip({ ...BERT_MINI_BENCH, layers: 4, active: 2 }),
  store: await benchStore(),
};
process.stdout.write(`${JSON.stringify(results)}\n`);
