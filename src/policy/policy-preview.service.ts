import { BadRequestException, Injectable } from '@nestjs/common';
import { countRows } from '../archive/archival-engine';
import { ArchiveTableManager } from '../archive/tables/archive-table-manager';
import { BatchStatements } from '../archive/transfer/batch-statements';
import { daysBefore } from '../archive/engine/engine-results';
import { selectionPredicate } from '../archive/engine/row-selection';
import { DataSourceFactory } from '../connections/data-source-factory';
import { SqlClient, SqlSession } from '../database/sql-client';
import { inspectTable } from '../database/schema/schema-inspector';
import { TableSchema } from '../database/schema/table-schema';
import { PolicyPreviewDto, QueryPlanDto } from './dto/policy-preview.dto';
import { Policy } from './entities/policy.entity';
import { policyProblems } from './policy-rules';
import { readsThroughIndex } from './sqlite-query-plan';

/** What a policy would do now, computed without changing anything. */
@Injectable()
export class PolicyPreviewService {
  constructor(
    private readonly databases: DataSourceFactory,
    private readonly archiveTables: ArchiveTableManager,
  ) {}

  /** On the policy's own connections, opening their pools if need be. */
  preview(policy: Policy, batchSize: number, now: Date = new Date()): Promise<PolicyPreviewDto> {
    return this.databases.withClients(policy.sourceConnection, policy.archiveConnection, (source, archive) =>
      this.previewOn(source, archive, policy, batchSize, now),
    );
  }

  private async previewOn(
    source: SqlClient,
    archive: SqlClient,
    policy: Policy,
    batchSize: number,
    now: Date,
  ): Promise<PolicyPreviewDto> {
    const archiveCutoff = daysBefore(now, policy.archiveAfterDays);
    const purgeCutoff = daysBefore(now, policy.deleteAfterDays);

    const table = await source.withSession((session) => inspectTable(session, source.schema, policy.tableName));
    const problems = policyProblems(policy, table);
    if (problems.length > 0 || !table) {
      throw new BadRequestException([`the policy no longer matches the source table: ${problems.join('; ')}`]);
    }
    const selection = selectionPredicate(
      source.dialect,
      policy.dateColumn,
      source.dialect.formatTimestamp(archiveCutoff),
      policy.criteria,
    );
    const statements = new BatchStatements(source.dialect, table, source.schema, archive.schema, selection);
    const { rowsToArchive, plan } = await source.withSession(async (session) => {
      const count = statements.countQualifying();
      return {
        rowsToArchive: await countRows(session, count.sql, count.params),
        plan: await this.queryPlan(session, statements, table, policy.dateColumn, batchSize),
      };
    });
    const { archiveTable, rowsToPurge } = await archive.withSession(async (session) => {
      const tablePlan = await this.archiveTables.plan(session, archive.schema, table, policy.dateColumn);
      const expired = selectionPredicate(
        archive.dialect,
        policy.dateColumn,
        archive.dialect.formatTimestamp(purgeCutoff),
        [],
      );
      const purgeCount = tablePlan.exists
        ? await countRows(
            session,
            `SELECT COUNT(*) AS n FROM ${archive.dialect.qualifiedTable(archive.schema, table.name)} WHERE ${expired.sql}`,
            expired.params,
          )
        : 0;
      return {
        archiveTable: { exists: tablePlan.exists, schemaChanges: tablePlan.statements, problems: tablePlan.problems },
        rowsToPurge: purgeCount,
      };
    });
    return {
      tableName: policy.tableName,
      sourceConnection: policy.sourceConnection,
      archiveConnection: policy.archiveConnection,
      archiveCutoff: archiveCutoff.toISOString(),
      purgeCutoff: purgeCutoff.toISOString(),
      rowsToArchive,
      rowsToPurge,
      usesIndex: plan.usesIndex,
      plan: plan.dto,
      archiveTable,
    };
  }

  private async queryPlan(
    session: SqlSession,
    statements: BatchStatements,
    table: TableSchema,
    dateColumn: string,
    batchSize: number,
  ): Promise<{ usesIndex: boolean; dto: QueryPlanDto }> {
    // What matters is whether a batch reads rows in key order straight from an index: if the
    // database has to sort every old row to find a batch, each batch costs a table scan. The plan
    // explained is that of a batch in mid-run (after the first qualifying key), the shape of all
    // batches but the first; `usesIndex` is read from the very lines shown, so the two agree.
    const dateIndex = table.indexes.find((index) => index.columns[0] === dateColumn)?.name ?? null;
    const first = statements.explainableBatch(1);
    const [firstRow] = await session.queryArrays(first.sql, first.params);
    const query = statements.explainableBatch(
      batchSize,
      firstRow ? statements.keyPositions.map((position) => firstRow[position]) : null,
    );
    let explain: string[];
    let usesIndex: boolean;
    if (session.dialect.engine === 'mysql') {
      const rows = await session.query<MysqlExplainRow>(`EXPLAIN ${query.sql}`, query.params);
      explain = rows.map(
        (r) => `${r.table}: access=${r.type} key=${r.key} rows≈${r.rows}${r.Extra ? ` (${r.Extra})` : ''}`,
      );
      usesIndex = rows.every((r) => r.key !== null && !/filesort/i.test(r.Extra ?? ''));
    } else {
      const rows = await session.query<{ detail: string }>(`EXPLAIN QUERY PLAN ${query.sql}`, query.params);
      explain = rows.map((r) => r.detail);
      usesIndex = rows.every((r) => readsThroughIndex(r.detail));
    }
    return { usesIndex, dto: { dateIndex, strategy: 'primary-key', explain } };
  }
}

interface MysqlExplainRow {
  table: string;
  type: string | null;
  key: string | null;
  rows: string | number | null;
  Extra: string | null;
}
