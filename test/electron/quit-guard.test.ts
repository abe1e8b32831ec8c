// The quit sequence on its own: the first quit waits for the runs to stop, a second quit (or the grace
// period running out) kills the trainers, and the app quits once the shutdown has finished either way.
import type { App } from 'electron';
import { describe, expect, it } from 'vitest';
import { guardQuit } from '../../src-main/electron/quit-guard.js';
import { FakeApp } from './fake/app.js';

function setup(graceMs = 60_000) {
  const app = new FakeApp('/app');
  let finish: () => void = () => {};
  let forced = 0;
  const errors: unknown[] = [];
  let fail = false;
  guardQuit(app as unknown as App, {
    shutdown: () =>
      new Promise<void>((resolve, reject) => (finish = () => (fail ? reject(new Error('boom')) : resolve()))),
    forceStop: () => void forced++,
    graceMs,
    onError: (error) => errors.push(error),
  });
  return {
    app,
    finish: (failing = false) => ((fail = failing), finish()),
    forced: () => forced,
    errors,
  };
}

describe('quitting with runs in progress', () => {
  it('holds the app open until the shutdown finishes; a second quit forces the trainers down', async () => {
    const { app, finish, forced } = setup();
    app.quit();
    expect(app.hasQuit).toBe(false);
    app.quit();
    expect(forced()).toBe(1);
    expect(app.hasQuit).toBe(false);
    finish();
    await app.whenQuit();
  });

  it('forces the trainers down when the grace period runs out, and quits even if stopping failed', async () => {
    const { app, finish, forced, errors } = setup(20);
    app.quit();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(forced()).toBe(1);
    finish(true);
    await app.whenQuit();
    expect(errors).toHaveLength(1);
  });
});
