// Waiting on training in end-to-end tests. A shared, loaded machine can train a small run ten times slower
// than an idle one, so no fixed deadline fits both; what a test must catch is a run that stopped moving, or
// a page that does not show what the run did. These waits last as long as the run keeps moving (a new step,
// a new status), and fail after a stretch without either, or at a ceiling, saying where the run stood.
import { expect } from 'vitest';

/** How long a run may show no new step and no new status before the wait fails. */
export const STALL_MS = 180_000;
/** The longest any one wait may last, however slowly the run moves; test timeouts are set above it. */
export const CEILING_MS = 12 * 60_000;
/** Once the run has finished, the page gets this long to show what the test waits for. */
const AFTER_END_MS = 60_000;
const ENDED = new Set(['completed', 'failed', 'stopped', 'interrupted']);

interface Progress {
  status: string;
  stepsDone: number;
}

/** One call of the contract over `raptr serve`'s HTTP API, as the page makes it; throws its error. */
export async function callApi<T>(serverUrl: string, channel: string, request: unknown): Promise<T> {
  // The server's banner ends its address with a slash: join as a URL, not as strings (`//api/` is a page).
  const reply = await fetch(new URL(`api/${channel}`, serverUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(request),
  });
  const answer = (await reply.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!answer.ok) throw new Error(`${channel}: ${answer.error.message}`);
  return answer.value;
}

/** Where the run stands, read from the server (not the page, whose display is what is tested). */
export async function runProgress(serverUrl: string, runId: string): Promise<Progress> {
  const detail = await callApi<{ run: { status: string }; summary: { stepsDone: number } }>(
    serverUrl,
    'runs:get',
    { id: runId },
  );
  return { status: detail.run.status, stepsDone: detail.summary.stepsDone };
}

/**
 * Resolves once `reached()` is true. Fails if the run shows no new step or status for STALL_MS, if the run
 * ended and the page still does not show it after AFTER_END_MS, or after CEILING_MS in all.
 */
export async function waitWhileTraining(
  serverUrl: string,
  runId: string,
  reached: () => Promise<boolean>,
  what: string,
): Promise<void> {
  const started = Date.now();
  let last: Progress | null = null;
  let lastMove = started;
  let endedAt: number | null = null;
  for (;;) {
    if (await reached().catch(() => false)) return;
    const now = Date.now();
    const progress = await runProgress(serverUrl, runId);
    if (!last || progress.stepsDone !== last.stepsDone || progress.status !== last.status) lastMove = now;
    if (ENDED.has(progress.status)) endedAt ??= now;
    last = progress;
    const where = `run ${runId} at step ${progress.stepsDone}, ${progress.status}`;
    if (endedAt !== null && now - endedAt > AFTER_END_MS)
      expect.fail(`${what}: not shown ${AFTER_END_MS / 1000} s after the run ended (${where})`);
    if (now - lastMove > STALL_MS)
      expect.fail(`${what}: the run stopped moving for ${STALL_MS / 1000} s (${where})`);
    if (now - started > CEILING_MS)
      expect.fail(`${what}: still waiting after ${CEILING_MS / 1000} s (${where})`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
