import { ApiProperty, ApiPropertyOptions } from '@nestjs/swagger';

/** Ids of control-database rows: INT columns. */
const MAX_ID = 2_147_483_647;

/** A row id in a response: an OpenAPI integer from 1 to 2^31-1. */
export function ApiIdProperty(example: number, options: ApiPropertyOptions = {}): PropertyDecorator {
  return ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_ID, example, ...options });
}

/** A count (rows, batches, seconds) in a response: an OpenAPI integer from 0 to 2^53-1. */
export function ApiCountProperty(example: number, options: ApiPropertyOptions = {}): PropertyDecorator {
  return ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    example,
    ...options,
  });
}
