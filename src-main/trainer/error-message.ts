// How a failed run reports why: an invalid config lists every issue by field; any other error keeps its
// message and stack. Shared by the Node trainer (entry.ts) and the GPU renderer's engine.
import { ConfigError, formatIssues } from '../../shared/config/validate.js';
import { errorMessage } from '../../shared/error-text.js';
import type { TrainerMessage } from '../../shared/trainer-protocol.js';

export function errorReport(error: unknown): Extract<TrainerMessage, { type: 'error' }> {
  const message =
    error instanceof ConfigError
      ? `invalid run config:\n${formatIssues(error.issues).join('\n')}`
      : errorMessage(error);
  const stack = error instanceof Error && !(error instanceof ConfigError) ? (error.stack ?? null) : null;
  return { type: 'error', message, stack };
}
