import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Named connections (issue 24): the `connections` table, and the connection each policy, run and
 * audit entry belongs to. Existing rows get the built-in connections `source` and `archive`, which
 * is what they used. A policy becomes unique per (source connection, table) instead of per table.
 * TypeORM's portable Table API, like the initial schema: one migration for MySQL/MariaDB and SQLite.
 */
export class Connections1796610000000 implements MigrationInterface {
  name = 'Connections1796610000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'connections',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'name', type: 'varchar', length: '64', isUnique: true },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'engine', type: 'varchar', length: '16' },
          { name: 'host', type: 'varchar', length: '255', isNullable: true },
          { name: 'port', type: 'int', isNullable: true },
          { name: 'database_name', type: 'varchar', length: '1024' },
          { name: 'username', type: 'varchar', length: '128', isNullable: true },
          { name: 'password_encrypted', type: 'text', isNullable: true },
          { name: 'options', type: 'text' },
          { name: 'version', type: 'int', default: 1 },
          { name: 'created_at', type: 'datetime' },
          { name: 'updated_at', type: 'datetime' },
        ],
      }),
    );
    await queryRunner.addColumns('policies', connectionColumns());
    await dropUniqueOnTableName(queryRunner);
    await queryRunner.createIndex(
      'policies',
      new TableIndex({
        name: 'uq_policies_connection_table',
        columnNames: ['source_connection', 'table_name'],
        isUnique: true,
      }),
    );
    await queryRunner.addColumns('job_runs', connectionColumns());
    await queryRunner.addColumn(
      'audit_entries',
      new TableColumn({ name: 'connection', type: 'varchar', length: '64', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('audit_entries', 'connection');
    await queryRunner.dropColumns('job_runs', ['source_connection', 'archive_connection']);
    await queryRunner.dropIndex('policies', 'uq_policies_connection_table');
    // Fails, as it should, when two connections now have a policy for the same table.
    const policies = await queryRunner.getTable('policies');
    const tableName = policies?.findColumnByName('table_name');
    if (tableName) {
      const unique = tableName.clone();
      unique.isUnique = true;
      await queryRunner.changeColumn('policies', tableName, unique);
    }
    await queryRunner.dropColumns('policies', ['source_connection', 'archive_connection']);
    await queryRunner.dropTable('connections');
  }
}

/**
 * Drops the initial schema's unique key on policies.table_name: a unique constraint on SQLite (the
 * table is rebuilt), a unique index on MySQL/MariaDB, as TypeORM made and reads them.
 */
async function dropUniqueOnTableName(queryRunner: QueryRunner): Promise<void> {
  const policies = await queryRunner.getTable('policies');
  if (!policies) {
    throw new Error('the policies table is missing: the initial migration did not run');
  }
  const onTableNameOnly = (columns: string[]) => columns.length === 1 && columns[0] === 'table_name';
  for (const unique of policies.uniques.filter((candidate) => onTableNameOnly(candidate.columnNames))) {
    await queryRunner.dropUniqueConstraint(policies, unique);
  }
  for (const index of policies.indices.filter((candidate) => candidate.isUnique && onTableNameOnly(candidate.columnNames))) {
    await queryRunner.dropIndex(policies, index);
  }
}

/** The source and archive connection of a policy or a run; existing rows used the built-in ones. */
function connectionColumns(): TableColumn[] {
  return [
    new TableColumn({ name: 'source_connection', type: 'varchar', length: '64', default: "'source'" }),
    new TableColumn({ name: 'archive_connection', type: 'varchar', length: '64', default: "'archive'" }),
  ];
}
