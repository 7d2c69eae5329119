import { MigrationInterface, QueryRunner, Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Users can be disabled, and every token names the token version of its user (bumped by each
 * change to the user's rights); single tokens revoked at logout are listed until they expire.
 */
export class UserLifecycleAndRevokedTokens1796620000000 implements MigrationInterface {
  name = 'UserLifecycleAndRevokedTokens1796620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('users', [
      new TableColumn({ name: 'disabled', type: 'boolean', default: false }),
      new TableColumn({ name: 'token_version', type: 'int', default: 1 }),
    ]);
    await queryRunner.createTable(
      new Table({
        name: 'revoked_tokens',
        columns: [
          { name: 'jti', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'int' },
          { name: 'expires_at', type: 'datetime' },
          { name: 'revoked_at', type: 'datetime' },
        ],
      }),
    );
    await queryRunner.createIndex(
      'revoked_tokens',
      new TableIndex({ name: 'idx_revoked_tokens_expires', columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('revoked_tokens');
    await queryRunner.dropColumns('users', ['token_version', 'disabled']);
  }
}
