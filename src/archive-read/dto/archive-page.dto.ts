import { ApiProperty } from '@nestjs/swagger';

export class ArchivePageDto {
  @ApiProperty({
    description:
      'Archived rows in primary-key order, each an object of the archive table columns as stored, `archived_at` and ' +
      '`archive_run_id` included. Values are faithful: BIGINT and DECIMAL (and integers beyond 2^53) as strings, ' +
      'binary and BIT values as base64 strings, DATE as `YYYY-MM-DD`, DATETIME/TIMESTAMP as ISO 8601 UTC strings ' +
      'with their stored fractional digits (e.g. `2024-03-01T10:00:00.123456Z`), JSON columns as the stored JSON text, ' +
      'NULL as null.',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [
      {
        id: 1,
        customer_id: 42,
        status: 'delivered',
        amount: '19.90',
        created_at: '2024-03-01T10:00:00Z',
        archived_at: '2025-03-02T02:00:01.123Z',
        archive_run_id: 1,
      },
    ],
  })
  items: Record<string, unknown>[];

  /**
   * Opaque cursor of the next page; null on the last page.
   * @example WzFd
   */
  nextCursor: string | null;
}
