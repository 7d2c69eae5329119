import { LoggerService, LogLevel } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { configuredSecrets, createSecretScrubber } from '../logging/secret-scrubber';

const ALL_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * Nest levels shown per LOG_LEVEL. The CLI prints its own results, so `info` (the default outside
 * tests) shows warnings and errors only: Nest's start-up lines and the job runner's own run
 * summaries would repeat what the command prints. `debug` and `trace` show everything.
 */
const LEVELS_BY_LOG_LEVEL: Record<string, LogLevel[]> = {
  silent: [],
  fatal: ['fatal'],
  error: ['fatal', 'error'],
  warn: ['fatal', 'error', 'warn'],
  info: ['fatal', 'error', 'warn'],
  debug: ALL_LEVELS,
  trace: ALL_LEVELS,
};

/**
 * Nest reports a failed start-up through this context with the whole stack; the CLI prints that
 * failure itself, in one line (the stack only at LOG_LEVEL=debug).
 */
const CONTEXTS_REPORTED_BY_THE_CLI = new Set(['ExceptionHandler']);

/**
 * The CLI's logger: one human-readable line per entry on stderr (stdout carries the command's
 * output), e.g. `warn [LeaseKeeper] Could not renew…`. Every line is scrubbed of configured
 * secrets and token-shaped text, like the service's JSON logs.
 */
export class CliLogger implements LoggerService {
  private readonly levels: ReadonlySet<LogLevel>;
  private readonly scrub: (text: string) => string;
  /** LOG_LEVEL=debug or trace: stacks and Nest's own lines are shown too. */
  readonly debugging: boolean;

  constructor(
    config: AppConfig,
    private readonly write: (text: string) => void = (text) => process.stderr.write(text),
  ) {
    this.levels = new Set(LEVELS_BY_LOG_LEVEL[config.logLevel] ?? LEVELS_BY_LOG_LEVEL.info);
    this.scrub = createSecretScrubber(configuredSecrets(config));
    this.debugging = this.levels.has('debug');
  }

  /** Removes configured secrets and token-shaped text; for any text the CLI prints. */
  redact(text: string): string {
    return this.scrub(text);
  }

  log(message: unknown, ...optional: unknown[]): void {
    this.print('log', message, optional);
  }

  error(message: unknown, ...optional: unknown[]): void {
    this.print('error', message, optional);
  }

  warn(message: unknown, ...optional: unknown[]): void {
    this.print('warn', message, optional);
  }

  debug(message: unknown, ...optional: unknown[]): void {
    this.print('debug', message, optional);
  }

  verbose(message: unknown, ...optional: unknown[]): void {
    this.print('verbose', message, optional);
  }

  fatal(message: unknown, ...optional: unknown[]): void {
    this.print('fatal', message, optional);
  }

  private print(level: LogLevel, message: unknown, optional: unknown[]): void {
    if (!this.levels.has(level)) {
      return;
    }
    // Nest's convention: the last string argument is the context; error() may pass a stack before it.
    const last = optional[optional.length - 1];
    const context = typeof last === 'string' && !last.includes('\n') ? last : null;
    if (context !== null && CONTEXTS_REPORTED_BY_THE_CLI.has(context) && !this.debugging) {
      return;
    }
    const stack = optional.find((item): item is string => typeof item === 'string' && /\n\s+at /.test(item));
    const label = level === 'log' ? 'info' : level;
    let line = `${label}${context ? ` [${context}]` : ''} ${textOf(message)}\n`;
    if (stack && this.debugging) {
      line += `${stack}\n`;
    }
    this.write(this.scrub(line));
  }
}

function textOf(message: unknown): string {
  if (message instanceof Error) {
    return message.message;
  }
  return typeof message === 'string' ? message : JSON.stringify(message);
}
