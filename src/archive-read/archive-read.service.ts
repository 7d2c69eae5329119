import { Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { REDACTED, isSecretParameter } from '../logging/redaction';
import { SqlClient } from '../database/sql-client';
import { Policy } from '../policy/entities/policy.entity';
import { decodeCursor, encodeCursor } from './archive-cursor';
import { ArchivePolicies, keyOf, prepareSelection, selectRows } from './archive-selection';
import { jsonValue } from './archive-values';
import { ArchivePageDto } from './dto/archive-page.dto';
import { ArchiveQueryDto, DEFAULT_ARCHIVE_PAGE } from './dto/archive-query.dto';

/**
 * Reads archived rows page by page with keyset pagination on the primary key, so page 10,000
 * costs what page 1 costs. Table and column names come from the live archive schema only. Which
 * archive: see ArchivePolicies.
 */
@Injectable()
export class ArchiveReadService {
  constructor(
    private readonly databases: DataSourceFactory,
    private readonly policies: ArchivePolicies,
    private readonly audit: AuditService,
  ) {}

  async page(tableName: string, query: ArchiveQueryDto, reader: AuthenticatedUser): Promise<ArchivePageDto> {
    const policy = await this.policies.policyOf(tableName, query.connection);
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
        ...filterDetails(query),
        firstPage: query.cursor === undefined,
        archiveConnection: policy?.archiveConnection ?? BUILT_IN_ARCHIVE,
      },
    });
    return page;
  }

  private async pageOf(
    archive: SqlClient,
    tableName: string,
    policy: Policy | null,
    query: ArchiveQueryDto,
  ): Promise<ArchivePageDto> {
    const limit = query.limit ?? DEFAULT_ARCHIVE_PAGE;
    return archive.withSession(async (session) => {
      const prepared = await prepareSelection(session, archive, tableName, policy, query);
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor, prepared.keyColumns);
      const rows = await selectRows(session, archive, prepared, after, limit + 1);
      const hasMore = rows.length > limit;
      const pageRows = hasMore ? rows.slice(0, limit) : rows;
      const columns = prepared.table.columns;
      return {
        items: pageRows.map((row) =>
          Object.fromEntries(columns.map((column, i) => [column.name, jsonValue(row[i], column)])),
        ),
        nextCursor: hasMore ? encodeCursor(keyOf(prepared, pageRows[pageRows.length - 1])) : null,
      };
    });
  }
}

/** The column filters of a request for its audit entry (only those given). */
export function filterDetails(query: {
  filter?: Map<string, string>;
  prefix?: Map<string, string>;
}): Record<string, unknown> {
  return {
    ...(query.filter ? { filter: auditedValues(query.filter) } : {}),
    ...(query.prefix ? { prefix: auditedValues(query.prefix) } : {}),
  };
}

/** Filter values as the audit keeps them: those of secret-looking columns (`token`, `password`…) left out, as in logs. */
function auditedValues(values: Map<string, string>): Record<string, string> {
  return Object.fromEntries(
    [...values].map(([column, value]) => [column, isSecretParameter(column) ? REDACTED : value]),
  );
}
