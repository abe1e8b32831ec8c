// What the bert-mini runs' held-out evaluations show against the frequency baselines, written from the
// numbers: whether each run ends below the unigram line with [MASK] at every target, whether it guesses
// better than the most frequent token, whether it has collapsed onto one prediction, which got below the
// line on the fewest FLOPs, and how much the training masking flattered them. Whatever the runs did, the
// sentences say it; nothing here assumes the study went one way.
import { formatFlops } from '../../shared/format.js';
import { MLM_KEYS } from '../../shared/metrics.js';
import type { BelowLine, FrequencyRun } from './beyond-frequencies.js';
import { decimal3 as f3, percentCell as pct } from './markdown.js';

/** A model giving one token at this share of the targets or more is called collapsed (one word everywhere). */
export const COLLAPSED_SHARE = 0.9;

const value = (r: FrequencyRun, key: string) => r.evals[key] ?? Number.NaN;
const loss = (r: FrequencyRun) => value(r, MLM_KEYS.loss);
const unigram = (r: FrequencyRun) => value(r, MLM_KEYS.unigramLoss);
const points = (x: number) => (x * 100).toFixed(1);

/** "a", "a and b", "a, b and c". */
export function names(runs: readonly FrequencyRun[]): string {
  const labels = runs.map((r) => r.label);
  return labels.length <= 1 ? (labels[0] ?? '') : `${labels.slice(0, -1).join(', ')} and ${labels.at(-1)}`;
}

/** "0.120" or "0.080 to 0.120": one number when every value formats the same. */
export function span(values: readonly number[], format: (x: number) => string): string {
  const [low, high] = [format(Math.min(...values)), format(Math.max(...values))];
  return low === high ? low : `${low} to ${high}`;
}

function lineVerdict(runs: FrequencyRun[], below: ReadonlyMap<string, BelowLine | null>): string {
  const ended = runs.filter((r) => loss(r) < unigram(r));
  const margins = ended.map((r) => unigram(r) - loss(r));
  const by = `by ${span(margins, f3)} nats (perplexity ${span(margins, (m) => points(1 - Math.exp(-m)))}% lower)`;
  let text: string;
  if (ended.length === runs.length)
    text = `Every run ends below the unigram line with [MASK] at every target, ${by}: each predicts masked words better than word frequencies alone.`;
  else if (ended.length === 0) {
    const closest = runs.reduce((a, b) => (loss(b) - unigram(b) < loss(a) - unigram(a) ? b : a));
    text = `No run ends below the unigram line with [MASK] at every target (the closest, ${closest.label}, ends ${f3(loss(closest) - unigram(closest))} nats above it): nothing these runs learned about context beats word frequencies alone.`;
  } else {
    const rest = runs.filter((r) => !ended.includes(r));
    text = `${ended.length} of ${runs.length} runs end below the unigram line with [MASK] at every target, ${by}; ${names(rest)} ${rest.length === 1 ? 'does' : 'do'} not.`;
  }
  const cameBack = runs.filter((r) => below.get(r.id) && !ended.includes(r));
  if (cameBack.length > 0) text += ` ${names(cameBack)} got below it and ended above it again.`;
  return text;
}

function accuracyVerdict(runs: FrequencyRun[]): string | undefined {
  const measured = runs.filter((r) =>
    Number.isFinite(value(r, MLM_KEYS.acc) + value(r, MLM_KEYS.mostFrequentAcc)),
  );
  if (measured.length === 0) return undefined;
  const acc = (r: FrequencyRun) => value(r, MLM_KEYS.acc);
  const guess = (r: FrequencyRun) => value(r, MLM_KEYS.mostFrequentAcc);
  const beat = measured.filter((r) => acc(r) > guess(r));
  const baseline = `always guessing the most frequent token (right at ${span(measured.map(guess), pct)} of these targets)`;
  const gains = `${span(
    beat.map((r) => acc(r) - guess(r)),
    points,
  )} points above it`;
  if (beat.length === measured.length)
    return `Every run guesses masked words more often than ${baseline}: accuracy ${span(measured.map(acc), pct)}, ${gains}.`;
  if (measured.every((r) => acc(r) === guess(r)))
    return `No run guesses masked words more often than ${baseline}: each scores exactly that guess's accuracy, as a model that gives the most frequent token at every target does.`;
  if (beat.length === 0)
    return `No run guesses masked words more often than ${baseline}: accuracy ${span(measured.map(acc), pct)}.`;
  const rest = measured.filter((r) => !beat.includes(r));
  return `${beat.length} of ${measured.length} runs guess masked words more often than ${baseline}, ${gains}; ${names(rest)} ${rest.length === 1 ? 'does' : 'do'} not.`;
}

function shareVerdict(runs: FrequencyRun[]): string | undefined {
  const share = (r: FrequencyRun) => value(r, MLM_KEYS.topTokenShare);
  const measured = runs.filter((r) => Number.isFinite(share(r)));
  if (measured.length === 0) return undefined;
  const text = `A run's single most common prediction takes ${span(measured.map(share), pct)} of the targets (a model that says one token everywhere, like the most-frequent-token guess, takes 100%).`;
  const collapsed = measured.filter((r) => share(r) >= COLLAPSED_SHARE);
  const threshold = pct(COLLAPSED_SHARE);
  if (collapsed.length === measured.length)
    return `${text} Every run is collapsed or nearly so (one token at ${threshold} of the targets or more): its accuracy is mostly that one token's frequency.`;
  if (collapsed.length > 0)
    return `${text} ${names(collapsed)} ${collapsed.length === 1 ? 'is' : 'are'} collapsed or nearly so (one token at ${threshold} of the targets or more); the others spread their guesses.`;
  const heavy = measured.filter((r) => share(r) > 0.5);
  if (heavy.length > 0)
    return `${text} None is collapsed, but ${names(heavy)} still give${heavy.length === 1 ? 's' : ''} one token at more than half the targets.`;
  return `${text} None gives one token at more than half the targets.`;
}

function fewestFlops(runs: FrequencyRun[], below: ReadonlyMap<string, BelowLine | null>): string | undefined {
  const crossed = runs.flatMap((r) => {
    const b = below.get(r.id);
    return b ? [{ r, b }] : [];
  });
  if (crossed.length < 2) return undefined;
  crossed.sort((x, y) => x.b.flops - y.b.flops);
  const [first, last] = [crossed[0]!, crossed.at(-1)!];
  const at = ({ r, b }: (typeof crossed)[number]) =>
    `${r.label}, ${formatFlops(b.flops)} (step ${Math.round(b.step)})`;
  return `Fewest FLOPs to get below the line: ${at(first)}; most: ${at(last)}.`;
}

function copyVerdict(runs: FrequencyRun[]): string | undefined {
  const trainMasking = (r: FrequencyRun) => value(r, MLM_KEYS.lossTrainMasking);
  const measured = runs.filter((r) => Number.isFinite(trainMasking(r)));
  if (measured.length === 0) return undefined;
  const gaps = measured.map((r) => loss(r) - trainMasking(r));
  const lead = 'The training masking, which leaves a tenth of the targets showing their own answer,';
  let text: string;
  if (Math.min(...gaps) > 0)
    text = `${lead} reads ${span(gaps, f3)} nats lower on the same targets at the end: what a model earns there by copying its input, which the held-out loss of earlier versions of this report included.`;
  else if (Math.max(...gaps) < 0)
    text = `${lead} reads ${span(
      gaps.map((g) => -g),
      f3,
    )} nats higher on the same targets at the end: copying earned these runs nothing.`;
  else
    text = `${lead} differs from the [MASK]-only loss by ${span(gaps, f3)} nats on the same targets at the end.`;
  const belowWith = (l: (r: FrequencyRun) => number) => measured.filter((r) => l(r) < unigram(r)).length;
  const [old, now] = [belowWith(trainMasking), belowWith(loss)];
  if (old !== now)
    text += ` Read that way, ${old} of ${measured.length} runs would end below the unigram line; with [MASK] at every target, ${now} ${now === 1 ? 'does' : 'do'}.`;
  return text;
}

/**
 * For the report's comparison of methods by loss: when runs end above the unigram line, their loss
 * differences say how close each came to word frequencies alone, not what it learned about context.
 */
export function comparisonCaveat(runs: readonly FrequencyRun[]): string | undefined {
  const measured = runs.filter((r) => Number.isFinite(loss(r)) && Number.isFinite(unigram(r)));
  const above = measured.filter((r) => !(loss(r) < unigram(r)));
  if (above.length === 0) return undefined;
  const meaning = (who: string) =>
    `how close ${who} came to predicting word frequencies, not what it learned about context`;
  if (above.length === measured.length)
    return `No run ends below the unigram line with [MASK] at every target, so every loss difference below is a difference in ${meaning('each run')}.`;
  const one = above.length === 1;
  return `${names(above)} ${one ? 'ends' : 'end'} above the unigram line with [MASK] at every target: ${one ? 'its' : 'their'} loss below says ${meaning(one ? 'it' : 'each')}.`;
}

/** One sentence per finding, for a bulleted list. */
export function frequencyFindings(
  runs: readonly FrequencyRun[],
  below: ReadonlyMap<string, BelowLine | null>,
): string[] {
  const measured = runs.filter((r) => Number.isFinite(loss(r)) && Number.isFinite(unigram(r)));
  if (measured.length === 0)
    return [
      'No run recorded a held-out MLM loss and unigram line with [MASK] at every target: nothing to compare.',
    ];
  return [
    lineVerdict(measured, below),
    fewestFlops(measured, below),
    accuracyVerdict(measured),
    shareVerdict(measured),
    copyVerdict(measured),
  ].filter((line): line is string => line !== undefined);
}
