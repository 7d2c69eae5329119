import { Injectable } from '@nestjs/common';
import { CommandRunner, Help, Option } from 'nest-commander';
import { RunWindow } from '../../archive/engine/run-window';
import { Policy } from '../../policy/entities/policy.entity';
import { PolicyPreviewService } from '../../policy/policy-preview.service';
import { PolicyService } from '../../policy/policy.service';
import { JobKind } from '../../runs/entities/job-run.entity';
import { RUN_OPTION_RANGES } from '../../runs/run-option-ranges';
import { policyLabelOf } from '../../scheduler/job-request';
import { JobRunner } from '../../scheduler/job-runner.service';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from '../../connections/connection-names';
import { IntegerRange } from '../../common/integer-fields';
import { CliServices } from '../cli-services';
import { CliUsageError, EXIT_OF_STATUS, messageOf } from '../exit-codes';
import { printLine, printProblem } from '../output';
import { ProgressReporter } from '../progress-reporter';
import { describeOutcome, describePlan } from '../run-report';
import { runStoppable, StopSignals } from '../stop-signals';

export interface JobCommandOptions {
  connection?: string;
  dryRun?: boolean;
  batchSize?: number;
  maxRuntime?: number;
  sleep?: number;
  targetBatchMs?: number;
  lanes?: number;
  maxReplicaLag?: number;
  maxThreadsRunning?: number;
  runWindow?: string;
}

/**
 * Base of the commands that change data (archive:run, purge:run): the same options, the same
 * JobRunner as the server (so its leases keep a CLI run and a scheduled run of the same job
 * apart), a plan first, live progress, a summary, and a clean stop on Ctrl-C.
 * (@Injectable() so that TypeScript records the constructor's parameter types for the subclasses.)
 */
@Injectable()
export abstract class JobCommand extends CommandRunner {
  protected abstract readonly job: JobKind;

  constructor(private readonly services: CliServices) {
    super();
  }

  async run([tableName]: string[], options: JobCommandOptions): Promise<void> {
    await runStoppable(
      () => this.services.close(),
      printProblem,
      (signals) => this.runJob(tableName, options, signals),
    );
  }

  private async runJob(tableName: string, options: JobCommandOptions, signals: StopSignals): Promise<number> {
    const policies = await this.services.get(PolicyService);
    const runner = await this.services.get(JobRunner);
    const policy = await policies.findByTable(tableName, options.connection);
    const batchSize = options.batchSize ?? policies.batchSizeOf(policy);
    const total = await this.announce(policy, batchSize, Boolean(options.dryRun));
    const progress = new ProgressReporter(process.stdout, `${this.job} ${policyLabelOf(policy)}`, total);
    const run = await runner.runToCompletion(
      {
        tableName,
        sourceConnection: policy.sourceConnection,
        job: this.job,
        trigger: 'cli',
        requestedBy: 'cli',
        dryRun: Boolean(options.dryRun),
        options: {
          batchSize: options.batchSize,
          maxRuntimeMs: options.maxRuntime === undefined ? undefined : options.maxRuntime * 1000,
          sleepBetweenBatchesMs: options.sleep,
          targetBatchMs: options.targetBatchMs,
          lanes: options.lanes,
          maxReplicaLagSeconds: options.maxReplicaLag,
          maxThreadsRunning: options.maxThreadsRunning,
          runWindow: options.runWindow,
        },
      },
      { onProgress: (batch) => progress.update(batch), onPause: (message) => progress.paused(message) },
    );
    progress.finish();
    if (run.status === 'failed' && run.error && !signals.received) {
      printProblem(`error: ${run.error}`);
    }
    printLine(describeOutcome(run, signals.received !== null));
    return signals.exitCode ?? EXIT_OF_STATUS[run.status];
  }

  /** Prints what the run is about to do; returns the rows it should handle (null if unknown). */
  private async announce(policy: Policy, batchSize: number, dryRun: boolean): Promise<number | null> {
    try {
      const previews = await this.services.get(PolicyPreviewService);
      const preview = await previews.preview(policy, batchSize);
      const archiving = this.job === 'archive';
      const rows = archiving ? preview.rowsToArchive : preview.rowsToPurge;
      printLine(
        describePlan({
          job: this.job,
          tableName: policyLabelOf(policy),
          dateColumn: policy.dateColumn,
          cutoff: archiving ? preview.archiveCutoff : preview.purgeCutoff,
          days: archiving ? policy.archiveAfterDays : policy.deleteAfterDays,
          criteriaCount: archiving ? policy.criteria.length : 0,
          rows,
          batchSize,
          dryRun,
        }),
      );
      return rows;
    } catch (error) {
      // Only a courtesy: the run itself finds (and records) whatever made the preview fail.
      printProblem(`warning: could not preview the ${this.job}: ${messageOf(error)}`);
      return null;
    }
  }

  @Option({
    flags: '--connection <name>',
    description: "the policy's source connection (default: source, the built-in one)",
  })
  parseConnection(value: string): string {
    if (!CONNECTION_NAME_PATTERN.test(value)) {
      throw new CliUsageError(`--connection: ${CONNECTION_NAME_RULE} (got "${value}")`);
    }
    return value;
  }

  @Option({ flags: '--dry-run', description: 'count what would happen and change nothing (the run is recorded)' })
  parseDryRun(): boolean {
    return true;
  }

  @Option({
    flags: '--batch-size <rows>',
    description: `rows per batch, ${rangeText(RUN_OPTION_RANGES.batchSize)} (default: the policy's, then ARCHIVE_BATCH_SIZE)`,
  })
  parseBatchSize(value: string): number {
    return integerOption('--batch-size', value, RUN_OPTION_RANGES.batchSize);
  }

  @Option({
    flags: '--max-runtime <seconds>',
    description:
      `stop cleanly after the batch during which the run has lasted this long, ` +
      `${rangeText(RUN_OPTION_RANGES.maxRuntimeSeconds)}; the rest waits for the next run`,
  })
  parseMaxRuntime(value: string): number {
    return integerOption('--max-runtime', value, RUN_OPTION_RANGES.maxRuntimeSeconds);
  }

  @Option({
    flags: '--target-batch-ms <ms>',
    description:
      `adapt the batch size toward this transaction time, ${rangeText(RUN_OPTION_RANGES.targetBatchMs)}, ` +
      'starting from --batch-size (0 = off)',
  })
  parseTargetBatchMs(value: string): number {
    return integerOption('--target-batch-ms', value, RUN_OPTION_RANGES.targetBatchMs);
  }

  @Option({
    flags: '--lanes <n>',
    description: `key ranges worked at once, each on its own connections, ${rangeText(RUN_OPTION_RANGES.lanes)} (default: ARCHIVE_LANES)`,
  })
  parseLanes(value: string): number {
    return integerOption('--lanes', value, RUN_OPTION_RANGES.lanes);
  }

  @Option({
    flags: '--sleep <ms>',
    description: `pause between batches, ${rangeText(RUN_OPTION_RANGES.sleepBetweenBatchesMs)}, to leave room for production traffic`,
  })
  parseSleep(value: string): number {
    return integerOption('--sleep', value, RUN_OPTION_RANGES.sleepBetweenBatchesMs);
  }

  @Option({
    flags: '--max-replica-lag <seconds>',
    description:
      `pause between batches while a replica of the source lags more than this, ${rangeText(RUN_OPTION_RANGES.maxReplicaLagSeconds)} ` +
      "(default: the policy's, then MAX_REPLICA_LAG_SECONDS)",
  })
  parseMaxReplicaLag(value: string): number {
    return integerOption('--max-replica-lag', value, RUN_OPTION_RANGES.maxReplicaLagSeconds);
  }

  @Option({
    flags: '--max-threads-running <n>',
    description:
      `pause between batches while the server's Threads_running exceeds this, ${rangeText(RUN_OPTION_RANGES.maxThreadsRunning)}, ` +
      "0 = no check (default: the policy's, then MAX_THREADS_RUNNING)",
  })
  parseMaxThreadsRunning(value: string): number {
    return integerOption('--max-threads-running', value, RUN_OPTION_RANGES.maxThreadsRunning);
  }

  @Option({
    flags: '--run-window <HH:MM-HH:MM>',
    description:
      "move batches only inside this daily UTC window; outside it the run stops cleanly (default: the policy's, then RUN_WINDOW)",
  })
  parseRunWindow(value: string): string {
    const window = RunWindow.parse(value);
    if (typeof window === 'string') {
      throw new CliUsageError(`--run-window: ${window}`);
    }
    return window.text;
  }

  @Help('after')
  stopHelp(): string {
    return `
Prints the plan (from the policy preview), live progress and a summary. Ctrl-C (or SIGTERM) stops
after the current batch and records the run; rows already moved stay moved. A run of the same job
on the same table elsewhere (server or another CLI) makes this one "skipped" (exit code 3).`;
  }
}

function integerOption(name: string, value: string, { min, max }: IntegerRange): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < min || number > max) {
    throw new CliUsageError(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return number;
}

function rangeText({ min, max }: IntegerRange): string {
  return `${min}-${max}`;
}
