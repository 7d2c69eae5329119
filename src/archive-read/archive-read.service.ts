import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { parseIsoDateOrInstant } from '../common/iso-instant';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { SqlClient } from '../database/sql-client';
import { inspectTable } from '../database/schema/schema-inspector';
import { ColumnSchema, findColumn } from '../database/schema/table-schema';
import { Policy } from '../policy/entities/policy.entity';
import { PolicyService } from '../policy/policy.service';
import { decodeCursor, encodeCursor } from './archive-cursor';
import { jsonValue } from './archive-values';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveQueryDto, DEFAULT_ARCHIVE_PAGE } from './dto/archive-query.dto';
import { KeyColumns } from '../archive/engine/key-columns';

/**
 * Reads archived rows page by page with keyset pagination on the primary key, so page 10,000
 * costs what page 1 costs. Table and column names come from the live archive schema only.
 *
 * Which archive: the one of the table's policy on the connection `?connection=` names; without it,
 * the policy on the built-in `source`, else the table's only policy; a table without any policy
 * is read from the built-in `archive` (its rows outlive a deleted policy), and a table archived
 * from several connections, none of them `source`, needs `?connection=`.
 */
@Injectable()
export class ArchiveReadService {
  constructor(
    private readonly databases: DataSourceFactory,
    private readonly policies: PolicyService,
    private readonly audit: AuditService,
  ) {}

  async page(tableName: string, query: ArchiveQueryDto, reader: AuthenticatedUser): Promise<ArchivePageDto> {
    const policy = await this.policyOf(tableName, query.connection);
    const page = await this.databases.withClient(policy?.archiveConnection ?? BUILT_IN_ARCHIVE, 'archive', (archive) =>
      this.pageOf(archive, tableName, policy, query),
    );
    await this.audit.record({
      actor: reader,
      action: 'archive.read',
      tableName,
      connection: policy?.sourceConnection ?? BUILT_IN_SOURCE,
      rowCount: page.items.length,
      details: {
        limit: query.limit ?? DEFAULT_ARCHIVE_PAGE,
        from: query.from ?? null,
        to: query.to ?? null,
        firstPage: query.cursor === undefined,
        archiveConnection: policy?.archiveConnection ?? BUILT_IN_ARCHIVE,
      },
    });
    return page;
  }

  /** The policy whose archive to read (see the class comment); null: the built-in archive, no policy. */
  private async policyOf(tableName: string, connection: string | undefined): Promise<Policy | null> {
    const policies = await this.policies.listForTable(tableName);
    if (connection !== undefined) {
      const named = policies.find((policy) => policy.sourceConnection === connection);
      if (!named && connection !== BUILT_IN_SOURCE) {
        throw new NotFoundException(
          `table "${tableName}" has no policy on connection "${connection}", so no archive to read`,
        );
      }
      return named ?? null;
    }
    const chosen =
      policies.find((policy) => policy.sourceConnection === BUILT_IN_SOURCE) ??
      (policies.length === 1 ? policies[0] : null);
    if (!chosen && policies.length > 1) {
      throw new BadRequestException(
        `table "${tableName}" is archived from several connections (${policies.map((policy) => policy.sourceConnection).join(', ')}): ` +
          'add ?connection= to say which',
      );
    }
    return chosen;
  }

  private async pageOf(
    archive: SqlClient,
    tableName: string,
    policy: Policy | null,
    query: ArchiveQueryDto,
  ): Promise<ArchivePageDto> {
    const dialect = archive.dialect;
    const limit = query.limit ?? DEFAULT_ARCHIVE_PAGE;
    const page = await archive.withSession(async (session) => {
      const table = await inspectTable(session, archive.schema, tableName);
      if (!table || table.primaryKey.length === 0) {
        throw new NotFoundException(`table "${tableName}" has no archive`);
      }
      const key = new KeyColumns(dialect, table);
      const conditions: string[] = [];
      const params: unknown[] = [];
      if (query.from !== undefined || query.to !== undefined) {
        const dateColumn = dateColumnOf(tableName, policy);
        if (!findColumn(table, dateColumn)) {
          throw new BadRequestException(
            `the archive of "${tableName}" has no column "${dateColumn}" to filter from/to on`,
          );
        }
        const quoted = dialect.quoteIdentifier(dateColumn);
        if (query.from !== undefined) {
          conditions.push(`${quoted} >= ?`);
          params.push(dialect.formatTimestamp(parseInstant(query.from, 'from')));
        }
        if (query.to !== undefined) {
          conditions.push(`${quoted} < ?`);
          params.push(dialect.formatTimestamp(parseInstant(query.to, 'to')));
        }
      }
      if (query.cursor !== undefined) {
        conditions.push(key.after());
        const keyColumns = key.names.map((name) => findColumn(table, name) as ColumnSchema);
        params.push(...key.afterParams(decodeCursor(query.cursor, keyColumns)));
      }
      const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
      const columns = table.columns.map((column) => dialect.quoteIdentifier(column.name));
      const rows = await session.queryArrays(
        `SELECT ${columns.join(', ')} FROM ${dialect.qualifiedTable(archive.schema, table.name)}${where} ` +
          `ORDER BY ${key.orderBy()} LIMIT ${limit + 1}`,
        params,
      );
      const hasMore = rows.length > limit;
      const pageRows = hasMore ? rows.slice(0, limit) : rows;
      const keyPositions = key.names.map((name) => table.columns.findIndex((column) => column.name === name));
      const lastRow = pageRows[pageRows.length - 1];
      return {
        items: pageRows.map((row) =>
          Object.fromEntries(table.columns.map((column, i) => [column.name, jsonValue(row[i], column)])),
        ),
        nextCursor: hasMore ? encodeCursor(keyPositions.map((position) => lastRow[position])) : null,
      };
    });
    return page;
  }
}

function dateColumnOf(tableName: string, policy: Policy | null): string {
  if (!policy) {
    throw new BadRequestException(`"${tableName}" has no policy any more, so from/to have no date column to filter on`);
  }
  return policy.dateColumn;
}

function parseInstant(value: string, name: string): Date {
  const instant = parseIsoDateOrInstant(value);
  if (!instant) {
    throw new BadRequestException(`${name} is not a valid date: ${value}`);
  }
  return instant;
}
