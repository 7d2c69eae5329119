import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { KeyColumns } from '../archive/engine/key-columns';
import { InvalidInputError, NotFoundError } from '../common/domain-error';
import { parseIsoDateOrInstant } from '../common/iso-instant';
import { BUILT_IN_SOURCE } from '../connections/connection-names';
import { SqlClient, SqlSession } from '../database/sql-client';
import { inspectTable } from '../database/schema/schema-inspector';
import { ColumnSchema, TableSchema, findColumn } from '../database/schema/table-schema';
import { Policy } from '../policy/entities/policy.entity';
import { PolicyService } from '../policy/policy.service';
import { ColumnFilter, MAX_COLUMN_FILTERS, filterPredicate } from './column-filters';
import { ArchiveSelectionDto } from './dto/archive-query.dto';

/** The rows a read or an export selects, ready to be queried a keyset batch at a time. */
export interface PreparedSelection {
  readonly table: TableSchema;
  readonly key: KeyColumns;
  readonly keyColumns: ColumnSchema[];
  /** Where each key column is in `table.columns` (and so in a selected row). */
  readonly keyPositions: number[];
  readonly conditions: readonly string[];
  readonly params: readonly unknown[];
}

/**
 * Which policy's archive a request reads, shared by reads, exports and the column list: the one
 * on the connection `?connection=` names; without it, the policy on the built-in `source`, else
 * the table's only policy; a table without any policy is read from the built-in `archive` (its rows
 * outlive a deleted policy), and a table archived from several connections, none of them `source`,
 * needs `?connection=`.
 */
@Injectable()
export class ArchivePolicies {
  constructor(private readonly policies: PolicyService) {}

  /** The policy whose archive to read; null: the built-in archive, no policy. */
  async policyOf(tableName: string, connection: string | undefined): Promise<Policy | null> {
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
}

/** The archive table as it is now; a 404 when there is none (or it has no key to page by). */
export async function archiveTableOf(session: SqlSession, archive: SqlClient, tableName: string): Promise<TableSchema> {
  const table = await inspectTable(session, archive.schema, tableName);
  if (!table || table.primaryKey.length === 0) {
    throw new NotFoundError(`table "${tableName}" has no archive`);
  }
  return table;
}

/** `filter[…]` and `prefix[…]` of a request, in the order given. */
export function columnFiltersOf(selection: ArchiveSelectionDto): ColumnFilter[] {
  const filters: ColumnFilter[] = [
    ...[...(selection.filter ?? [])].map(([column, value]) => ({ kind: 'eq' as const, column, value })),
    ...[...(selection.prefix ?? [])].map(([column, value]) => ({ kind: 'prefix' as const, column, value })),
  ];
  if (filters.length > MAX_COLUMN_FILTERS) {
    throw new InvalidInputError(`filter and prefix may name at most ${MAX_COLUMN_FILTERS} columns together`);
  }
  return filters;
}

/**
 * Checks a selection against the live archive table and turns it into conditions: `from`/`to` on
 * the policy's date column, and the column filters (column-filters.ts). Names come from the schema
 * only; every value is a parameter.
 */
export async function prepareSelection(
  session: SqlSession,
  archive: SqlClient,
  tableName: string,
  policy: Policy | null,
  selection: ArchiveSelectionDto,
): Promise<PreparedSelection> {
  const dialect = archive.dialect;
  const table = await archiveTableOf(session, archive, tableName);
  const key = new KeyColumns(dialect, table);
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (selection.from !== undefined || selection.to !== undefined) {
    const dateColumn = dateColumnOf(tableName, policy);
    if (!findColumn(table, dateColumn)) {
      throw new BadRequestException(`the archive of "${tableName}" has no column "${dateColumn}" to filter from/to on`);
    }
    const quoted = dialect.quoteIdentifier(dateColumn);
    if (selection.from !== undefined) {
      conditions.push(`${quoted} >= ?`);
      params.push(dialect.formatTimestamp(parseInstant(selection.from, 'from')));
    }
    if (selection.to !== undefined) {
      conditions.push(`${quoted} < ?`);
      params.push(dialect.formatTimestamp(parseInstant(selection.to, 'to')));
    }
  }
  const filters = filterPredicate(dialect, tableName, table, columnFiltersOf(selection));
  conditions.push(...filters.conditions);
  params.push(...filters.params);
  return {
    table,
    key,
    keyColumns: key.names.map((name) => findColumn(table, name) as ColumnSchema),
    keyPositions: key.names.map((name) => table.columns.findIndex((column) => column.name === name)),
    conditions,
    params,
  };
}

/** The next `limit` selected rows after `afterKey` (from the first when null), in key order, as arrays. */
export function selectRows(
  session: SqlSession,
  archive: SqlClient,
  prepared: PreparedSelection,
  afterKey: readonly unknown[] | null,
  limit: number,
): Promise<unknown[][]> {
  const { dialect } = archive;
  const conditions = [...prepared.conditions];
  const params = [...prepared.params];
  if (afterKey !== null) {
    conditions.push(prepared.key.after());
    params.push(...prepared.key.afterParams(afterKey));
  }
  const where = conditions.length > 0 ? ` WHERE ${conditions.join(' AND ')}` : '';
  const columns = prepared.table.columns.map((column) => dialect.quoteIdentifier(column.name));
  return session.queryArrays(
    `SELECT ${columns.join(', ')} FROM ${dialect.qualifiedTable(archive.schema, prepared.table.name)}${where} ` +
      `ORDER BY ${prepared.key.orderBy()} LIMIT ${Math.floor(limit)}`,
    params,
  );
}

/** The key of a selected row, as the database gave it. */
export function keyOf(prepared: PreparedSelection, row: readonly unknown[]): unknown[] {
  return prepared.keyPositions.map((position) => row[position]);
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
