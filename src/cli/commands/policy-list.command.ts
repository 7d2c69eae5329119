import { Command, CommandRunner } from 'nest-commander';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE } from '../../connections/connection-names';
import { PolicyService } from '../../policy/policy.service';
import { CliServices } from '../cli-services';
import { printLine } from '../output';
import { textTable } from '../text-table';

@Command({ name: 'policy:list', description: 'list the archival policies' })
export class PolicyListCommand extends CommandRunner {
  constructor(private readonly services: CliServices) {
    super();
  }

  async run(): Promise<void> {
    const policyService = await this.services.get(PolicyService);
    const policies = await policyService.list();
    if (policies.length === 0) {
      printLine('no policies yet: create one with POST /api/v1/policies');
      return;
    }
    const header = ['TABLE', 'DATE COLUMN', 'ARCHIVE AFTER', 'DELETE AFTER', 'CRITERIA', 'BATCH SIZE', 'ENABLED'];
    const rows = policies.map((policy) => [
      policy.tableName,
      policy.dateColumn,
      `${policy.archiveAfterDays} days`,
      `${policy.deleteAfterDays} days`,
      String(policy.criteria.length),
      policy.batchSize === null ? `${policyService.batchSizeOf(policy)} (default)` : String(policy.batchSize),
      policy.enabled ? 'yes' : 'no',
    ]);
    // The connections show once a policy uses another than the built-in ones: a single-database
    // setup sees the table as it always was. They come last, so that scripts cutting the earlier
    // columns keep working either way.
    if (
      policies.some(
        (policy) => policy.sourceConnection !== BUILT_IN_SOURCE || policy.archiveConnection !== BUILT_IN_ARCHIVE,
      )
    ) {
      header.push('SOURCE', 'ARCHIVE');
      policies.forEach((policy, i) => rows[i].push(policy.sourceConnection, policy.archiveConnection));
    }
    printLine(textTable(header, rows));
  }
}
