import { ApiProperty } from '@nestjs/swagger';
import { ApiCountProperty, ApiIdProperty } from '../../openapi/integer-properties';

export class AuditEntryDto {
  @ApiIdProperty(7)
  id: number;
  /**
   * When it happened (ISO 8601, UTC).
   * @example 2024-03-01T10:00:00.000Z
   */
  at: string;
  /**
   * Username of the caller, or `system`, `cli`, `anonymous`.
   * @example alice
   */
  actor: string;
  /**
   * e.g. `user.signup`, `user.permissions`, `user.role`, `policy.upsert`, `run.start`, `archive.read`.
   * @example archive.read
   */
  action: string;
  /** @example orders */
  tableName: string | null;
  /**
   * The connection acted on: a policy's source connection, the one read from, or the one changed.
   * @example source
   */
  connection: string | null;
  /** Rows involved (rows read, for `archive.read`). */
  @ApiCountProperty(100, { nullable: true })
  rowCount: number | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What else there is to know, by action.',
    example: { limit: 100, from: null, to: null, firstPage: true },
  })
  details: Record<string, unknown> | null;
}
