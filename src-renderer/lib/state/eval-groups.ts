// Which eval series go on which chart: held-out MLM loss beside the unigram baseline (and the training
// masking's figure), MLM accuracy beside the most-frequent-token guess, each downstream probe beside its
// majority-class and bag-of-words baselines, the polynomial task's per-degree component errors together;
// anything else gets a chart of its own. MLM titles say how the run hid its held-out targets. The stability
// monitor's forecast (its expected loss under this stage's masks and the next stage's, beside the full
// model's) is one chart; its per-block drop losses are the stability heatmap's, not charts.
import { EVAL_MASKING_SHORT, metricLabel, MLM_KEYS, type EvalMasking } from '../../../shared/metrics.js';
import { STABILITY_KEYS } from '../../../shared/stability-keys.js';

/** The stability series drawn as lines (the forecast chart); fetched with the eval series. */
const FORECAST_KEYS: readonly string[] = [
  STABILITY_KEYS.fullLoss,
  STABILITY_KEYS.stageLoss,
  STABILITY_KEYS.nextStageLoss,
];

/** A series the run page's eval charts draw: the held-out evaluations and the forecast lines. */
export const isEvalKey = (key: string): boolean => key.startsWith('eval/') || FORECAST_KEYS.includes(key);

export interface EvalLine {
  key: string;
  label: string;
  /** A baseline: drawn dashed, without points. */
  reference: boolean;
}

export interface EvalGroup {
  id: string;
  title: string;
  lines: EvalLine[];
  /** Errors spanning decades read better on a log axis. */
  logY: boolean;
  /** Accuracies: the y-axis as a percentage. */
  percent: boolean;
}

const line = (key: string, label: string, reference = false): EvalLine => ({ key, label, reference });

export function groupEvalKeys(allKeys: readonly string[], masking: EvalMasking | null = null): EvalGroup[] {
  const keys = new Set(allKeys.filter(isEvalKey));
  const used = new Set<string>();
  const groups: EvalGroup[] = [];
  const take = (key: string) => (keys.has(key) ? (used.add(key), true) : false);
  const how = masking ? ` · ${EVAL_MASKING_SHORT[masking]}` : '';

  if (take(MLM_KEYS.loss)) {
    const lines = [line(MLM_KEYS.loss, 'held-out MLM loss')];
    if (take(MLM_KEYS.lossTrainMasking)) lines.push(line(MLM_KEYS.lossTrainMasking, 'with training masking'));
    if (take(MLM_KEYS.unigramLoss)) lines.push(line(MLM_KEYS.unigramLoss, 'unigram baseline', true));
    groups.push({ id: 'mlm-loss', title: `Held-out MLM loss${how}`, lines, logY: false, percent: false });
  }
  if (take(MLM_KEYS.acc)) {
    const lines = [line(MLM_KEYS.acc, 'accuracy')];
    if (take(MLM_KEYS.mostFrequentAcc))
      lines.push(line(MLM_KEYS.mostFrequentAcc, 'most frequent token', true));
    groups.push({ id: 'mlm-acc', title: `Masked-token accuracy${how}`, lines, logY: false, percent: true });
  }
  if (take(MLM_KEYS.topTokenShare))
    groups.push({
      id: 'mlm-top-share',
      title: 'Targets given the top prediction',
      lines: [line(MLM_KEYS.topTokenShare, 'share of targets')],
      logY: false,
      percent: true,
    });
  for (const key of [...keys].sort()) {
    const probe = /^eval\/(.+)_probe_acc$/.exec(key)?.[1];
    if (!probe || !take(key)) continue;
    const lines = [line(key, `${probe} probe`)];
    if (take(`eval/${probe}_probe_baseline`))
      lines.push(line(`eval/${probe}_probe_baseline`, 'majority class', true));
    if (take(`eval/${probe}_probe_bow`)) lines.push(line(`eval/${probe}_probe_bow`, 'bag of words', true));
    groups.push({ id: `probe-${probe}`, title: `Probe: ${probe}`, lines, logY: false, percent: true });
  }
  if (take('eval/loss'))
    groups.push({
      id: 'loss',
      title: 'Held-out loss',
      lines: [line('eval/loss', 'held-out loss')],
      logY: true,
      percent: false,
    });
  const degrees = [...keys].filter((k) => k.startsWith('eval/poly/err_')).sort(byDegree);
  if (degrees.length > 0) {
    degrees.forEach((k) => used.add(k));
    groups.push({
      id: 'poly-degrees',
      title: 'Per-degree component error',
      lines: degrees.map((k) => line(k, k.replace('eval/poly/err_', '').replace(/_/g, ' '))),
      logY: true,
      percent: false,
    });
  }
  if (take(STABILITY_KEYS.nextStageLoss)) {
    const lines = [line(STABILITY_KEYS.nextStageLoss, "next stage's masks")];
    if (take(STABILITY_KEYS.stageLoss)) lines.push(line(STABILITY_KEYS.stageLoss, "this stage's masks"));
    if (take(STABILITY_KEYS.fullLoss)) lines.push(line(STABILITY_KEYS.fullLoss, 'every block', true));
    groups.push({
      id: 'stability-forecast',
      title: 'Next-stage forecast',
      lines,
      logY: true,
      percent: false,
    });
  }
  // Without a forecast (full training, stacking, the monitor's last stage only) the full loss is eval/loss.
  used.add(STABILITY_KEYS.fullLoss);
  used.add(STABILITY_KEYS.stageLoss);
  for (const key of [...keys].sort())
    if (!used.has(key))
      groups.push({
        id: key,
        title: metricLabel(key),
        lines: [line(key, metricLabel(key))],
        logY: false,
        percent: false,
      });
  return groups;
}

function byDegree(a: string, b: string): number {
  const degree = (k: string) => Number(/deg(\d+)/.exec(k)?.[1] ?? 0);
  return degree(a) - degree(b) || a.localeCompare(b);
}
