// The utility-process trainer host (src-main/runs/electron-host.ts) over the fake utilityProcess, which
// forks the real trainer: validated messages, exit codes, kills mapped to signals, the env it passes.
import { describe, expect, it, vi } from 'vitest';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';
import { mapExit, utilityTrainer } from '../../src-main/runs/electron-host.js';
import type { TrainerExit, TrainerHost } from '../../src-main/runs/trainer-host.js';
import { fake } from './fake/electron.js';

vi.mock('electron', () => import('./fake/electron.js'));

function watch(host: TrainerHost) {
  const messages: TrainerMessage[] = [];
  const ready = new Promise<void>((resolve) =>
    host.onMessage((message) => {
      messages.push(message);
      if (message.type === 'ready') resolve();
    }),
  );
  const exit = new Promise<TrainerExit>((resolve) => host.onExit(resolve));
  return { messages, ready, exit };
}

describe('the utility-process trainer host', () => {
  it('forks the trainer entry as a named utility process with piped output and string-only env', async () => {
    const host = utilityTrainer({ ...process.env, RAPTR_MARK: 'yes', RAPTR_UNSET: undefined });
    const { messages, exit } = watch(host);
    const fork = fake.utilityProcess.forks.at(-1)!;
    expect(fork.modulePath).toMatch(/trainer[/\\]entry\.js$/);
    expect(fork.options).toMatchObject({ serviceName: 'RaPTr trainer', stdio: 'pipe' });
    expect(fork.options.env!.RAPTR_MARK).toBe('yes');
    expect('RAPTR_UNSET' in fork.options.env!).toBe(false);

    host.send({ type: 'probe' });
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(messages.map((m) => m.type)).toEqual(['ready', 'probe']);
    host.send({ type: 'stop' }); // after the exit: ignored, not thrown
  });

  it('turns a message that breaks the protocol into an error message, and keeps fatal errors for the crash report', async () => {
    const host = utilityTrainer();
    const { messages, ready, exit } = watch(host);
    await ready;
    const child = fake.utilityProcess.processes.at(-1)!;
    child.emit('message', { type: 'step', step: 'not a number' });
    child.emit('error', 'FatalError', 'v8::Heap', 'report');
    expect(messages.at(-1)).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/malformed message/),
    });
    expect(host.stderrTail()).toContain('FatalError in the trainer at v8::Heap');
    host.kill();
    expect(await exit).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('kills with SIGKILL for real (utilityProcess.kill() only sends SIGTERM) and reports it as the signal', async () => {
    const host = utilityTrainer();
    const { ready, exit } = watch(host);
    await ready;
    const pid = host.pid;
    expect(pid).toBeGreaterThan(0);
    host.kill('SIGKILL');
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(host.pid).toBeUndefined();
    // A listener that arrives after the exit (deleting a run that just died) still hears about it.
    expect(await new Promise((resolve) => host.onExit(resolve))).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('maps exit codes: clean stays clean, a kill reads as its signal, anything else as its code', () => {
    expect(mapExit(0, 'SIGKILL')).toEqual({ code: 0, signal: null });
    expect(mapExit(137, 'SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
    expect(mapExit(3, null)).toEqual({ code: 3, signal: null });
  });
});
