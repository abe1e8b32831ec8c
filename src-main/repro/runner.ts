// Runs one study against the app's own database: trains what it asks for (with --reuse, reusing finished
// runs of the same name and config and resuming halted ones), captures its charts, and writes <out>/<study>.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunConfig } from '../../shared/config/validate.js';
import { runsDirFor } from '../paths.js';
import { RunManager } from '../runs/run-manager.js';
import { getRun, listRuns, openDatabase, type Db, type Run } from '../store/index.js';
import { APP_VERSION } from '../version.js';
import { openChartCapture, type ChartCapture } from './charts.js';
import type { Study, StudyContext, StudyRun } from './study.js';

export interface StudyOptions {
  databasePath: string;
  outDir: string;
  quick: boolean;
  seeds: number;
  /** Steps per run (0: the study's own); only for a study that takes --steps. */
  steps?: number;
  /** Steps between evaluations (0: the study's own); only with a study that takes --steps. */
  evalEvery?: number;
  reuse: boolean;
  log(message: string): void;
}

const studyTag = (study: Study) => `study:${study.name}`;

/** Whether a recorded run is this planned run: the same name and the same validated config. */
const sameRun = (run: StudyRun) => {
  const parsed = parseRunConfig(run.config);
  const wanted = parsed.ok ? JSON.stringify(parsed.config) : null;
  return (r: Run) => r.name === run.name && JSON.stringify(r.config) === wanted;
};

/** A study's recorded runs, newest first: read once per batch of planned runs, not once per run. */
const recordedRuns = (db: Db, study: Study) => listRuns(db, { tag: studyTag(study), archived: null });

/** The newest completed run matching the planned one. */
function completedRun(recorded: readonly Run[], run: StudyRun): string | null {
  const same = sameRun(run);
  return recorded.find((r) => r.status === 'completed' && same(r))?.id ?? null;
}

/**
 * With --reuse: the completed run matching the planned one, else one a stopped study left stopped or
 * interrupted (it resumes from its last checkpoint), else none (train it afresh).
 */
function reusable(recorded: readonly Run[], run: StudyRun): { id: string; resume: boolean } | null {
  const completed = completedRun(recorded, run);
  if (completed) return { id: completed, resume: false };
  const same = sameRun(run);
  const halted = recorded.find((r) => (r.status === 'interrupted' || r.status === 'stopped') && same(r));
  return halted ? { id: halted.id, resume: true } : null;
}

/** Minutes during which at least one of the runs was training (study sessions may be hours apart). */
const busyMinutes = (runs: readonly Run[]) => {
  const spans = runs
    .filter((r) => r.startedAt !== null && r.finishedAt !== null)
    .map((r) => [r.startedAt!, r.finishedAt!] as const)
    .sort((a, b) => a[0] - b[0]);
  if (spans.length === 0) return null;
  let total = 0;
  let [from, to] = spans[0]!;
  for (const [start, end] of spans.slice(1)) {
    if (start > to) {
      total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  return ((total + to - from) / 60_000).toFixed(1);
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * "Its 45 runs trained in 28.6 minutes (the time at least one of them was training). They are in the app's database, tagged
 * `study:polynomial`;" and, for a study that reads other studies' runs, which ones it read.
 */
function runsSummary(db: Db, study: Study, ids: readonly string[]): string {
  const runs = [...new Set(ids)].map((id) => getRun(db, id)).filter((r) => r !== undefined);
  const own = runs.filter((r) => r.tags.includes(studyTag(study)));
  const read = runs.filter((r) => !r.tags.includes(studyTag(study)));
  const minutes = busyMinutes(own);
  const parts = [
    own.length === 0 || minutes === null
      ? 'It trained no runs of its own.'
      : `Its ${plural(own.length, 'run')} trained in ${minutes} minutes (the time at least one of them was training).`,
  ];
  if (read.length > 0) parts.push(`It reads ${plural(read.length, 'run')} other studies trained.`);
  const tags = [...new Set(runs.flatMap((r) => r.tags.filter((t) => t.startsWith('study:'))))];
  if (tags.length > 0)
    parts.push(`They are in the app's database, tagged ${tags.map((t) => `\`${t}\``).join(' or ')};`);
  return parts.join(' ');
}

export async function runStudy(study: Study, options: StudyOptions): Promise<string> {
  const db = openDatabase(options.databasePath);
  const manager = new RunManager({ db, runsDir: runsDirFor(options.databasePath) });
  let capture: ChartCapture | null = null;
  const started = Date.now();
  const used: string[] = [];
  const ctx: StudyContext = {
    manager,
    db,
    databasePath: options.databasePath,
    outDir: options.outDir,
    quick: options.quick,
    seeds: options.seeds,
    steps: options.steps ?? 0,
    evalEvery: options.evalEvery ?? 0,
    log: options.log,
    async train(runs) {
      const recorded = options.reuse ? recordedRuns(db, study) : [];
      const ids = runs.map((run) => {
        const existing = options.reuse ? reusable(recorded, run) : null;
        if (existing?.resume) manager.resume(existing.id);
        if (existing) return existing.id;
        return manager.create({
          config: run.config,
          name: run.name,
          tags: [studyTag(study), ...(run.tags ?? [])],
        }).id;
      });
      used.push(...ids);
      let finished = 0;
      const statuses = await Promise.all(
        ids.map(async (id, i) => {
          const status = await manager.waitFor(id);
          options.log(`  ${++finished}/${ids.length} ${runs[i]!.name}: ${status}`);
          return status;
        }),
      );
      const failed = ids.filter((_, i) => statuses[i] !== 'completed');
      if (failed.length > 0)
        throw new Error(`${failed.length} run(s) did not complete: ${failed.join(', ')} (see raptr show ID)`);
      return ids;
    },
    completedRunsOf(other, runs) {
      const recorded = recordedRuns(db, other);
      const ids = runs.map((run) => completedRun(recorded, run));
      used.push(...ids.filter((id): id is string => id !== null));
      return ids;
    },
    async charts() {
      capture ??= await openChartCapture(manager, options.databasePath);
      return capture;
    },
    chartPath: (name) => `${study.name}/${name}`,
  };
  try {
    const body = await study.run(ctx);
    const header =
      `# ${study.title}\n\n` +
      `_Generated by \`npm run repro -- ${study.name}${options.quick ? ' --quick' : ''}${options.steps ? ` --steps ${options.steps}` : ''}${options.evalEvery ? ` --eval-every ${options.evalEvery}` : ''}\` (RaPTr Studio ${APP_VERSION}) ` +
      `on ${new Date().toISOString().slice(0, 10)}. ${runsSummary(db, study, used)} the charts are the app's own, captured in headless Chromium ` +
      `(this page took ${((Date.now() - started) / 60_000).toFixed(1)} minutes to generate)._\n\n`;
    mkdirSync(options.outDir, { recursive: true });
    const path = join(options.outDir, `${study.name}.md`);
    writeFileSync(path, `${header}${body.trim()}\n`);
    return path;
  } finally {
    await (capture as ChartCapture | null)?.close();
    await manager.shutdown();
  }
}
