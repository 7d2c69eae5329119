import { Command, CommandRunner } from 'nest-commander';
import { policyLabelOf } from '../../scheduler/job-request';
import { JobRunner } from '../../scheduler/job-runner.service';
import { CliServices } from '../cli-services';
import { CliUsageError } from '../exit-codes';
import { printLine } from '../output';

@Command({
  name: 'run:cancel',
  arguments: '<id>',
  description:
    'cancel a running run, wherever it executes (the service, another instance, a CLI, a worker): it stops ' +
    'after its current batch and is recorded as cancelled; rows already moved stay moved',
  argsDescription: { id: 'the run id (GET /api/v1/runs, or the id a run command printed)' },
})
export class RunCancelCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run([id]: string[]): Promise<void> {
    if (!/^[1-9]\d{0,14}$/.test(id)) {
      throw new CliUsageError(`the run id must be a positive integer (got "${id}")`);
    }
    const run = await (await this.services.get(JobRunner)).requestCancel(Number(id), 'cli');
    printLine(
      `asked run ${run.id} (${run.job} ${policyLabelOf(run)}) to stop: it stops after its current batch ` +
        `and is recorded as cancelled (follow it with GET /api/v1/runs/${run.id})`,
    );
  }
}
