import { Injectable, Logger } from '@nestjs/common';
import { daysBefore } from '../../archive/engine/engine-results';
import { AppConfig } from '../../config/app-config';
import { BUILT_IN_SOURCE } from '../../connections/connection-names';
import { DataSourceFactory } from '../../connections/data-source-factory';
import { inspectTable } from '../../database/schema/schema-inspector';
import { Policy } from '../../policy/entities/policy.entity';
import { policyProblems } from '../../policy/policy-rules';
import { DasMetrics } from '../das-metrics';
import { labelKey, tableLabels } from '../metric-labels';
import { BacklogRow, backlogCountQuery, backlogOf, dateIndexOf } from './backlog-query';

/** Why a policy's backlog is not counted; each is logged once per policy until it changes. */
type Skip = { kind: 'no-date-index' } | { kind: 'policy-mismatch'; problems: string[] };

/**
 * Counts one policy's archive backlog on the source and sets its gauges. Counting is cheap or not
 * done: only through an index that starts with the date column, at most METRICS_BACKLOG_MAX_ROWS
 * entries, under the session limits every job has (ARCHIVE_STATEMENT_TIMEOUT_SECONDS). A policy
 * that cannot be counted that way has no backlog series, and one warning says why.
 */
@Injectable()
export class ArchiveBacklog {
  private readonly logger = new Logger(ArchiveBacklog.name);
  private readonly maxRows: number;
  /** The last skip logged per table, so that a sample every few minutes does not repeat it. */
  private readonly skipsLogged = new Map<string, string>();

  constructor(
    private readonly databases: DataSourceFactory,
    private readonly metrics: DasMetrics,
    config: AppConfig,
  ) {
    this.maxRows = config.metrics.backlogMaxRows;
  }

  /** Samples the policy's backlog. A failure is logged and leaves the previous value shown. */
  async sample(policy: Policy, terminate: AbortSignal): Promise<void> {
    const labels = tableLabels(policy);
    let outcome: Skip | { kind: 'counted'; rows: number; capped: boolean };
    try {
      outcome = await this.databases.withClient(policy.sourceConnection, 'source', (source) => {
        const cutoff = source.dialect.formatTimestamp(daysBefore(new Date(), policy.archiveAfterDays));
        return source.withSession(
          async (session) => {
            const table = await inspectTable(session, source.schema, policy.tableName);
            const problems = policyProblems(policy, table);
            if (problems.length > 0 || !table) {
              return { kind: 'policy-mismatch' as const, problems };
            }
            const index = dateIndexOf(table, policy.dateColumn);
            if (!index) {
              return { kind: 'no-date-index' as const };
            }
            const query = backlogCountQuery(session.dialect, {
              schema: source.schema,
              table: table.name,
              index: index.name,
              dateColumn: policy.dateColumn,
              cutoff,
              criteria: policy.criteria,
              maxRows: this.maxRows,
            });
            const [row] = await session.query<BacklogRow>(query.sql, query.params);
            return { kind: 'counted' as const, ...backlogOf(row, this.maxRows) };
          },
          { terminate },
        );
      });
    } catch (error) {
      if (!terminate.aborted) {
        this.logger.warn(
          `Could not sample the archive backlog of ${describe(policy)} (the last value stays): ${(error as Error).message}`,
        );
      }
      return;
    }
    if (outcome.kind === 'counted') {
      this.skipsLogged.delete(labelKey(labels));
      this.metrics.setBacklog(labels, { rows: outcome.rows, capped: outcome.capped, sampledAt: new Date() });
      return;
    }
    this.metrics.forgetBacklog(labels);
    this.warnOnce(policy, outcome);
  }

  private warnOnce(policy: Policy, skip: Skip): void {
    const message =
      skip.kind === 'no-date-index'
        ? `The archive backlog of ${describe(policy)} is not sampled: no index of the table starts with its date ` +
          `column "${policy.dateColumn}", and counting without one would scan the table. Add such an index ` +
          'to get das_archive_backlog_rows for this table.'
        : `The archive backlog of ${describe(policy)} is not sampled: the policy no longer matches the source ` +
          `table: ${skip.problems.join('; ')}`;
    const key = labelKey(tableLabels(policy));
    if (this.skipsLogged.get(key) === message) {
      return;
    }
    this.skipsLogged.set(key, message);
    this.logger.warn(message);
  }
}

/** "orders", or "orders" of connection "billing" when the policy reads another connection. */
function describe(policy: Policy): string {
  return policy.sourceConnection === BUILT_IN_SOURCE
    ? `"${policy.tableName}"`
    : `"${policy.tableName}" of connection "${policy.sourceConnection}"`;
}
