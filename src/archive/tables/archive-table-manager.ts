import { SqlClient, SqlSession } from '../../database/sql-client';
import { inspectTable } from '../../database/schema/schema-inspector';
import { TableSchema, findColumn } from '../../database/schema/table-schema';
import {
  ARCHIVED_AT,
  ARCHIVE_RUN_ID,
  addColumnStatement,
  createArchiveTableStatements,
  modifyColumnStatement,
} from './archive-ddl';
import { compareColumn } from './column-compatibility';

/** The archive table cannot take this source table's rows as they are now; nothing was moved. */
export class ArchiveSchemaError extends Error {
  constructor(
    readonly tableName: string,
    readonly problems: string[],
  ) {
    super(`the archive table "${tableName}" cannot receive the source rows: ${problems.join('; ')}`);
    this.name = 'ArchiveSchemaError';
  }
}

export interface ArchiveTablePlan {
  exists: boolean;
  /** DDL that would bring the archive table in line with the source. */
  statements: string[];
  /** Changes DAS refuses to carry; the run must not start. */
  problems: string[];
}

/**
 * Keeps each archive table a mirror of its source table: created on the first run, extended with
 * columns that appeared in the source since, widened where a source column grew. A change it cannot
 * carry is refused before any row moves.
 */
export class ArchiveTableManager {
  /** What `ensure` would do, without doing it (dry runs and previews). */
  async plan(archive: SqlSession, schema: string, source: TableSchema, dateColumn: string): Promise<ArchiveTablePlan> {
    const existing = await inspectTable(archive, schema, source.name);
    if (!existing) {
      return {
        exists: false,
        statements: createArchiveTableStatements(archive.dialect, schema, source, dateColumn),
        problems: [],
      };
    }
    const problems: string[] = [];
    const statements: string[] = [];
    if (existing.primaryKey.join(',') !== source.primaryKey.join(',')) {
      problems.push(
        `the primary key is (${source.primaryKey.join(', ')}) in the source but (${existing.primaryKey.join(', ')}) in the archive`,
      );
    }
    for (const meta of [ARCHIVED_AT, ARCHIVE_RUN_ID]) {
      if (!findColumn(existing, meta)) {
        problems.push(`the archive table has no "${meta}" column; it was not created by DAS`);
      }
    }
    const keyColumns = new Set(source.primaryKey);
    for (const column of source.columns) {
      const mirror = findColumn(existing, column.name);
      if (!mirror) {
        statements.push(addColumnStatement(archive.dialect, schema, source.name, column));
        continue;
      }
      const change = compareColumn(column, mirror);
      if (change.kind === 'incompatible') {
        problems.push(change.reason);
      } else if (change.kind === 'widen') {
        if (archive.dialect.engine === 'mysql') {
          statements.push(
            modifyColumnStatement(archive.dialect, schema, source.name, column, keyColumns.has(column.name)),
          );
        } else {
          problems.push(
            `column "${column.name}" is ${column.columnType} in the source but ${mirror.columnType} in the archive (SQLite archive tables cannot change a column's type)`,
          );
        }
      }
    }
    return { exists: true, statements, problems };
  }

  /** Creates or updates the archive table; throws ArchiveSchemaError (changing nothing) on an incompatible change. */
  async ensure(archive: SqlClient, source: TableSchema, dateColumn: string): Promise<void> {
    await archive.withSession(async (session) => {
      const plan = await this.plan(session, archive.schema, source, dateColumn);
      if (plan.problems.length > 0) {
        throw new ArchiveSchemaError(source.name, plan.problems);
      }
      for (const statement of plan.statements) {
        await session.execute(statement);
      }
    });
  }
}
