import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { DomainError } from '../common/domain-error';
import type { JobRun } from '../runs/entities/job-run.entity';
import { JobAlreadyRunningError, ShuttingDownError } from '../scheduler/execution/job-errors';

/** Exit codes of every command; scripts and cron wrappers branch on these. */
export const EXIT = {
  ok: 0,
  /** The command or the job failed (the message says why). */
  failed: 1,
  /** Bad usage: unknown command or option, bad option value, unknown table, policy or user. */
  usage: 2,
  /** The job already runs elsewhere (server or another CLI): nothing was done. */
  skipped: 3,
  /** The run stopped early without anything wrong (e.g. its process was told to shut down); the rest waits for the next run. */
  stopped: 4,
  /** The run was cancelled (POST /api/v1/runs/{id}/cancel or `run:cancel`); rows already moved stay moved. */
  cancelled: 5,
  /** Stopped by Ctrl-C (128 + SIGINT), as shells report it. */
  sigint: 130,
  /** Stopped by SIGTERM (128 + SIGTERM). */
  sigterm: 143,
} as const;

/** The exit code of a command whose run ended with this status (a run still open counts as failed). */
export const EXIT_OF_STATUS: Record<JobRun['status'], number> = {
  succeeded: EXIT.ok,
  failed: EXIT.failed,
  skipped: EXIT.skipped,
  stopped: EXIT.stopped,
  cancelled: EXIT.cancelled,
  running: EXIT.failed,
};

export const EXIT_CODES_HELP = `
Exit codes:
  0    done
  1    failed (the error is printed)
  2    bad usage: unknown command or option, bad value, unknown table, policy or user
  3    skipped: the same job is already running (on the server or in another CLI)
  4    stopped early with nothing wrong (shutdown); the rest is left for the next run
  5    cancelled by an admin (run:cancel or the API); the rest is left for the next run
  130  interrupted by Ctrl-C (143 for SIGTERM); the run stops after its current batch`;

/** A mistake in how the command was called; exits with EXIT.usage. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** What commander throws (through exitOverride) after it printed a usage error or the help. */
interface CommanderExit {
  code: string;
  exitCode: number;
}

export function isCommanderExit(error: unknown): error is CommanderExit {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as CommanderExit).code === 'string' &&
    (error as CommanderExit).code.startsWith('commander.') &&
    typeof (error as CommanderExit).exitCode === 'number'
  );
}

/**
 * The exit code for an error a command threw. Invalid input or a name that does not exist (a
 * password too short, no policy for that table, no such user, an unknown connection) is bad
 * usage, anything else (a conflict, a connection down, a key problem) is a failure. Services
 * throw domain errors (DomainError, ConnectionError among them); some older ones still speak HTTP
 * (a 400 or 404 alike).
 */
export function exitCodeOf(error: unknown): number {
  if (isCommanderExit(error)) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (error instanceof JobAlreadyRunningError) {
    return EXIT.skipped;
  }
  if (error instanceof ShuttingDownError) {
    return EXIT.stopped;
  }
  if (error instanceof DomainError) {
    return error.kind === 'invalid' || error.kind === 'not-found' ? EXIT.usage : EXIT.failed;
  }
  if (error instanceof CliUsageError || error instanceof BadRequestException || error instanceof NotFoundException) {
    return EXIT.usage;
  }
  return EXIT.failed;
}

/** The message to show for an error: an HTTP exception's own message(s), not "Bad Request". */
export function messageOf(error: unknown): string {
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const message =
      typeof response === 'object' && response !== null ? (response as { message?: unknown }).message : response;
    if (Array.isArray(message)) {
      return message.join('; ');
    }
    return typeof message === 'string' ? message : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
