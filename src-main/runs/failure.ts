// Why a run failed, in words a user acts on. A full disk is named as such wherever it shows up (SQLite's
// "database or disk is full", a checkpoint write's ENOSPC), with what to do about it, because it is the one
// failure the user fixes outside the app and then resumes from.
import { boundErrorText, errorMessage, MAX_ERROR_CHARS } from '../../shared/error-text.js';

const DISK_FULL =
  /SQLITE_FULL|database or disk is full|ENOSPC|no space left on device|EDQUOT|quota exceeded/i;

/** A full disk (or quota), from an error object or the text of one a trainer sent. */
export function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && DISK_FULL.test(code)) || DISK_FULL.test(errorMessage(error));
}

/** The reason a run stops when what its trainer sent cannot be recorded. */
export function recordingFailure(error: unknown, what: string): string {
  const text = errorMessage(error);
  return isDiskFull(error)
    ? `disk full: could not record ${what} (${text})`
    : `could not record ${what}: ${text}`;
}

/**
 * The error tail of a failed run: the reason, what to do when the disk is full, and the end of the
 * trainer's stderr. Bounded here too, since it is printed as well as stored.
 */
export function failureReport(reason: string, runId: string, stderrTail: string): string {
  const diskFull = isDiskFull(reason);
  const why = diskFull && !reason.startsWith('disk full') ? `disk full: ${reason}` : reason;
  const advice = diskFull
    ? `\nFree some disk space, then resume the run (\`raptr resume ${runId}\`, or Resume in the app): ` +
      'it continues from its last checkpoint.'
    : '';
  // Bounded apart, so a long stderr never cuts the reason, nor a long reason the end of stderr.
  const tail = boundErrorText(stderrTail.trim(), MAX_ERROR_CHARS / 2 - 2);
  return `${boundErrorText(`${why}${advice}`, MAX_ERROR_CHARS / 2)}${tail ? `\n\n${tail}` : ''}`;
}

/**
 * Runs work whose failure must not escape a process-level handler (a trainer's exit or message, a timer):
 * the error is reported on stderr and the caller carries on with undefined.
 */
export function quietly<T>(what: string, work: () => T): T | undefined {
  try {
    return work();
  } catch (error) {
    console.error(`RaPTr Studio: could not ${what}: ${errorMessage(error)}`);
    return undefined;
  }
}
