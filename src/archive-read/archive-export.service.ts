import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { AppConfig } from '../config/app-config';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { SqlClient } from '../database/sql-client';
import { Policy } from '../policy/entities/policy.entity';
import { filterDetails } from './archive-read.service';
import { ArchivePolicies, PreparedSelection, keyOf, prepareSelection, selectRows } from './archive-selection';
import { ArchiveExportQueryDto } from './dto/archive-export-query.dto';
import { EXPORT_CONTENT_TYPES, ExportFormat, exportWriter } from './export-formats';
import { ExportSink } from './export-sink';

/** Rows read per keyset batch of an export: one batch at a time is all an export holds in memory. */
export const EXPORT_BATCH_ROWS = 1000;

/** How an export ended, for its audit entry. */
interface ExportOutcome {
  rows: number;
  /** More rows matched than EXPORT_MAX_ROWS: the file holds the first ones in key order. */
  truncated: boolean;
  /** Every row was written and the file ended; false when the client left or a batch failed. */
  complete: boolean;
}

/**
 * Streams the rows a read would page through into one CSV or JSON-lines file: the same selection
 * (date range, column filters, connection), the same values, in key order, in keyset batches of
 * EXPORT_BATCH_ROWS each read on a session of its own (no session waits on a slow client), at most
 * EXPORT_MAX_ROWS rows. Everything that can be refused is refused before the first byte; each
 * export is one audit entry with its selection and the rows written, recorded before the response
 * ends.
 */
@Injectable()
export class ArchiveExportService {
  private readonly logger = new Logger(ArchiveExportService.name);
  private readonly maxRows: number;

  constructor(
    private readonly databases: DataSourceFactory,
    private readonly policies: ArchivePolicies,
    private readonly audit: AuditService,
    config: AppConfig,
  ) {
    this.maxRows = config.http.exportMaxRows;
  }

  async export(
    tableName: string,
    query: ArchiveExportQueryDto,
    reader: AuthenticatedUser,
    sink: ExportSink,
  ): Promise<void> {
    const format: ExportFormat = query.format ?? 'csv';
    const policy = await this.policies.policyOf(tableName, query.connection);
    const archiveConnection = policy?.archiveConnection ?? BUILT_IN_ARCHIVE;
    const outcome = await this.databases.withClient(archiveConnection, 'archive', (archive) =>
      this.stream(archive, tableName, policy, query, format, sink),
    );
    try {
      await this.audit.record({
        actor: reader,
        action: 'archive.export',
        tableName,
        connection: policy?.sourceConnection ?? BUILT_IN_SOURCE,
        rowCount: outcome.rows,
        details: {
          format,
          from: query.from ?? null,
          to: query.to ?? null,
          ...filterDetails(query),
          maxRows: this.maxRows,
          truncated: outcome.truncated,
          complete: outcome.complete,
          archiveConnection,
        },
      });
    } catch {
      // Logged by the audit service. A file is not handed over without its audit entry.
      sink.abort();
      return;
    }
    // The last chunk goes out once the export is on record: whoever has the whole file can find it in the audit.
    sink.end();
  }

  private async stream(
    archive: SqlClient,
    tableName: string,
    policy: Policy | null,
    query: ArchiveExportQueryDto,
    format: ExportFormat,
    sink: ExportSink,
  ): Promise<ExportOutcome> {
    // The first batch is read before anything is sent: a bad filter or a missing table is a 4xx.
    const first = await archive.withSession(async (session) => {
      const prepared = await prepareSelection(session, archive, tableName, policy, query);
      return { prepared, rows: await selectRows(session, archive, prepared, null, this.batchAfter(0)) };
    });
    const { prepared } = first;
    const writer = exportWriter(format, prepared.table.columns);
    sink.begin(`${tableName}.${format}`, EXPORT_CONTENT_TYPES[format], this.maxRows);
    let rows = first.rows;
    let written = 0;
    try {
      await sink.write(writer.header());
      for (;;) {
        await sink.write(writer.rows(rows));
        written += rows.length;
        if (rows.length < this.batchAfter(written - rows.length) || written >= this.maxRows || sink.gone) {
          break;
        }
        rows = await this.rowsAfter(archive, prepared, rows, this.batchAfter(written));
      }
      const truncated = written >= this.maxRows && (await this.rowsAfter(archive, prepared, rows, 1)).length > 0;
      return { rows: written, truncated, complete: !sink.gone };
    } catch (error) {
      // Headers are out: the client must see a broken transfer rather than a file that looks whole.
      this.logger.warn(`Export of "${tableName}" stopped after ${written} rows: ${(error as Error).message}`);
      sink.abort();
      return { rows: written, truncated: false, complete: false };
    }
  }

  /** Rows to ask for once `written` are out: a batch, or what is left under EXPORT_MAX_ROWS. */
  private batchAfter(written: number): number {
    return Math.min(EXPORT_BATCH_ROWS, this.maxRows - written);
  }

  /**
   * Up to `limit` rows following the last of `previous` in key order, on a session of its own; none
   * when `previous` is empty (nothing was there to follow).
   */
  private async rowsAfter(
    archive: SqlClient,
    prepared: PreparedSelection,
    previous: readonly unknown[][],
    limit: number,
  ): Promise<unknown[][]> {
    if (previous.length === 0) {
      return [];
    }
    const after = keyOf(prepared, previous[previous.length - 1]);
    return archive.withSession((session) => selectRows(session, archive, prepared, after, limit));
  }
}
