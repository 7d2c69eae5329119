import { applyDecorators } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { MAX_COLUMN_FILTERS, MAX_FILTER_VALUE_LENGTH } from '../column-filters';

const VALUE_SCHEMA = { type: 'string', minLength: 0, maxLength: MAX_FILTER_VALUE_LENGTH } as const;

/**
 * The OpenAPI description of `filter[column]=value` and `prefix[column]=value` (deepObject query
 * parameters; the DTO's properties are hidden from the plugin, which cannot describe them).
 */
export function ApiColumnFilterQueries(): MethodDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'filter',
      required: false,
      style: 'deepObject',
      explode: true,
      description:
        'Equality on a column: `filter[status]=delivered`, several ANDed (with `prefix` too, at most ' +
        `${MAX_COLUMN_FILTERS} in all). Only on indexed columns of the archive table — the first column of its ` +
        'primary key or of an index (`GET /archives/{tableName}/columns` lists them) — so that a filter never ' +
        'scans the archive. The value is written as the read returns it: integers and DECIMALs as digits, ' +
        'DATETIME as `2024-03-01T10:00:00.123456Z`, DATE as `2024-03-01`, binary as base64 (`+` as `%2B`). ' +
        'Strings compare as the column does (its collation). A column not in the table, a column off an ' +
        'index or a value its type cannot hold is a 400.',
      schema: { type: 'object', additionalProperties: VALUE_SCHEMA, maxProperties: MAX_COLUMN_FILTERS },
      example: { status: 'delivered' },
    }),
    ApiQuery({
      name: 'prefix',
      required: false,
      style: 'deepObject',
      explode: true,
      description:
        'Starts-with on a string column (CHAR, VARCHAR, TEXT): `prefix[code]=AB` selects codes beginning with ' +
        '`AB` (`%` and `_` in the value are plain characters). Same columns as `filter`; ANDed with it.',
      schema: { type: 'object', additionalProperties: VALUE_SCHEMA, maxProperties: MAX_COLUMN_FILTERS },
      example: { code: 'AB' },
    }),
  );
}
