import { Command, CommandRunner, Option } from 'nest-commander';
import { AppConfig } from '../../config/app-config';
import { RunRecorder } from '../../runs/run-recorder';
import { RunNotFoundError } from '../../scheduler/execution/job-errors';
import { RunExecution } from '../../scheduler/execution/run-execution.service';
import { parseJobRequest } from '../../scheduler/job-request';
import { CliServices } from '../cli-services';
import { CliUsageError, EXIT_OF_STATUS } from '../exit-codes';
import { printLine, printProblem } from '../output';
import { runStoppable, StopSignals } from '../stop-signals';

export interface RunExecuteOptions {
  runId: number;
  workerId?: string;
}

/** Bytes the out-of-memory test hook allocates per step. */
const TEST_ALLOCATION_STEP = 8 * 1024 * 1024;

/**
 * Executes a run that the service has already admitted (its record is open, with the request it was
 * admitted with): what a service in JOB_EXECUTION=process starts for each job, one short-lived
 * process per run. Progress, cancel and the end of the run go through the control database like
 * anywhere else; the exit code says how it ended, and a crash is recorded by the parent.
 */
@Command({
  name: 'run:execute',
  description:
    'execute a run the service admitted (internal: JOB_EXECUTION=process starts one of these per job; ' +
    'an operator never needs it)',
})
export class RunExecuteCommand extends CommandRunner {
  constructor(
    private readonly services: CliServices,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async run(_: string[], options: RunExecuteOptions): Promise<void> {
    if (options.runId === undefined) {
      throw new CliUsageError('--run-id is required');
    }
    await runStoppable(
      () => this.services.close(),
      printProblem,
      (signals) => this.execute(options, signals),
    );
  }

  private async execute(options: RunExecuteOptions, signals: StopSignals): Promise<number> {
    const recorder = await this.services.get(RunRecorder);
    const request = parseJobRequest(await recorder.requestOf(options.runId));
    if (!request) {
      if (!(await recorder.get(options.runId))) {
        throw new RunNotFoundError(options.runId);
      }
      throw new CliUsageError(`run ${options.runId} has no request this version can execute`);
    }
    const execution = await this.services.get(RunExecution);
    const placement = { mode: 'process' as const, workerId: options.workerId };
    const { finished } = await execution.begin({ runId: options.runId, request }, placement);
    if (this.config.jobs.testOutOfMemoryTable === request.tableName) {
      allocateUntilOutOfMemory();
    }
    const run = await finished;
    printLine(`run ${run.id} ${run.status}${run.error ? `: ${run.error}` : ''}`);
    return signals.exitCode ?? EXIT_OF_STATUS[run.status];
  }

  @Option({ flags: '--run-id <id>', description: 'the admitted run to execute', required: true })
  parseRunId(value: string): number {
    if (!/^[1-9]\d{0,14}$/.test(value)) {
      throw new CliUsageError(`--run-id must be a positive integer (got "${value}")`);
    }
    return Number(value);
  }

  @Option({ flags: '--worker-id <id>', description: 'the worker (service process) this run executes for' })
  parseWorkerId(value: string): string {
    return value.slice(0, 128);
  }
}

/** The test hook (NODE_ENV=test only): keeps allocating until V8 gives up. Never returns control to a run. */
function allocateUntilOutOfMemory(): void {
  const hoard: number[][] = [];
  const grow = () => {
    hoard.push(new Array<number>(TEST_ALLOCATION_STEP / 8).fill(hoard.length));
    setImmediate(grow);
  };
  grow();
}
