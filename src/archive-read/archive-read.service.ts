import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { DataSourceRegistry } from '../database/data-source-registry';
import { inspectTable } from '../database/schema/schema-inspector';
import { findColumn } from '../database/schema/table-schema';
import { PolicyService } from '../policy/policy.service';
import { decodeCursor, encodeCursor } from './archive-cursor';
import { jsonValue } from './archive-values';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveQueryDto, DEFAULT_ARCHIVE_PAGE } from './dto/archive-query.dto';
import { KeyColumns } from '../archive/engine/key-columns';

/**
 * Reads archived rows page by page with keyset pagination on the primary key, so page 10,000
 * costs what page 1 costs. Table and column names come from the live archive schema only.
 */
@Injectable()
export class ArchiveReadService {
  constructor(
    private readonly databases: DataSourceRegistry,
    private readonly policies: PolicyService,
    private readonly audit: AuditService,
  ) {}

  async page(tableName: string, query: ArchiveQueryDto, reader: AuthenticatedUser): Promise<ArchivePageDto> {
    const archive = this.databases.get('archive');
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
        const dateColumn = await this.dateColumnOf(tableName);
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
        params.push(...key.afterParams(decodeCursor(query.cursor, key.width)));
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
    await this.audit.record({
      actor: reader,
      action: 'archive.read',
      tableName,
      rowCount: page.items.length,
      details: { limit, from: query.from ?? null, to: query.to ?? null, firstPage: query.cursor === undefined },
    });
    return page;
  }

  private async dateColumnOf(tableName: string): Promise<string> {
    try {
      return (await this.policies.findByTable(tableName)).dateColumn;
    } catch {
      throw new BadRequestException(
        `"${tableName}" has no policy any more, so from/to have no date column to filter on`,
      );
    }
  }
}

function parseInstant(value: string, name: string): Date {
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) {
    throw new BadRequestException(`${name} is not a valid date: ${value}`);
  }
  return instant;
}
