import { Injectable, Logger } from '@nestjs/common';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { permitsTable } from '../auth/table-permissions';
import { BUILT_IN_ARCHIVE, BUILT_IN_SOURCE } from '../connections/connection-names';
import { DataSourceFactory } from '../connections/data-source-factory';
import { inspectTable } from '../database/schema/schema-inspector';
import { Policy } from '../policy/entities/policy.entity';
import { PolicyService } from '../policy/policy.service';
import { ArchivePolicies, archiveTableOf } from './archive-selection';
import { filtersOf, indexLeadingColumns } from './column-filters';
import { ArchiveColumnsDto, ArchiveTableDto } from './dto/archive-table.dto';

/**
 * What there is to browse: the archive tables a caller may read, and the live columns of one with
 * the filters each takes (what a console needs to build its table picker and filter form).
 */
@Injectable()
export class ArchiveCatalogService {
  private readonly logger = new Logger(ArchiveCatalogService.name);

  constructor(
    private readonly databases: DataSourceFactory,
    private readonly policies: PolicyService,
    private readonly archives: ArchivePolicies,
  ) {}

  /**
   * One entry per policy the caller may read (admins: all; users: the policies of tables their
   * token permits, see permitsTable), with the archive table's key. Each archive connection is
   * asked once; one that cannot be reached leaves its tables listed with `archived: null`.
   */
  async list(caller: AuthenticatedUser): Promise<ArchiveTableDto[]> {
    const readable = (await this.policies.list())
      .filter(
        (policy) =>
          caller.role === 'admin' || permitsTable(caller.permissions, policy.tableName, policy.sourceConnection),
      )
      .sort((a, b) => a.tableName.localeCompare(b.tableName) || a.sourceConnection.localeCompare(b.sourceConnection));
    const keys = new Map<Policy, string[] | null>();
    for (const archiveConnection of new Set(readable.map((policy) => policy.archiveConnection))) {
      const policies = readable.filter((policy) => policy.archiveConnection === archiveConnection);
      try {
        await this.databases.withClient(archiveConnection, 'archive', (archive) =>
          archive.withSession(async (session) => {
            for (const policy of policies) {
              keys.set(policy, (await inspectTable(session, archive.schema, policy.tableName))?.primaryKey ?? null);
            }
          }),
        );
      } catch (error) {
        this.logger.warn(
          `Could not read the archive tables of connection "${archiveConnection}": ${(error as Error).message}`,
        );
      }
    }
    return readable.map((policy) => {
      const key = keys.get(policy);
      return {
        tableName: policy.tableName,
        connection: policy.sourceConnection,
        archiveConnection: policy.archiveConnection,
        dateColumn: policy.dateColumn,
        primaryKey: key ?? [],
        archived: key === undefined ? null : key !== null,
      };
    });
  }

  /** The archive table's columns as the database has them now; a 404 when there is no archive. */
  async columns(tableName: string, connection: string | undefined): Promise<ArchiveColumnsDto> {
    const policy = await this.archives.policyOf(tableName, connection);
    const archiveConnection = policy?.archiveConnection ?? BUILT_IN_ARCHIVE;
    const table = await this.databases.withClient(archiveConnection, 'archive', (archive) =>
      archive.withSession((session) => archiveTableOf(session, archive, tableName)),
    );
    const leading = indexLeadingColumns(table);
    return {
      tableName: table.name,
      connection: policy?.sourceConnection ?? BUILT_IN_SOURCE,
      archiveConnection,
      dateColumn: policy?.dateColumn ?? null,
      primaryKey: table.primaryKey,
      columns: table.columns.map((column) => ({
        name: column.name,
        type: column.columnType,
        nullable: column.nullable,
        filters: filtersOf(table, column, leading),
      })),
    };
  }
}
