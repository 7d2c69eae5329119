import type { ApiPropertyOptions } from '@nestjs/swagger';

/**
 * A criterion's value: one scalar, or a list for `in`/`not in`; left out for `is null` and
 * `is not null` (null is taken there too, though not documented: OpenAPI 3.0 has no null type).
 */
export const CRITERION_VALUE_PROPERTY: ApiPropertyOptions = {
  oneOf: [
    { type: 'string' },
    { type: 'number' },
    { type: 'boolean' },
    { type: 'array', items: { oneOf: [{ type: 'string' }, { type: 'number' }] } },
  ],
  required: false,
  example: ['delivered', 'cancelled'],
};
