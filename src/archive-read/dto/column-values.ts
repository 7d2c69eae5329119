import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';
import { SQL_IDENTIFIER_PATTERN } from '../../common/sql-identifier';
import { MAX_COLUMN_FILTERS, MAX_FILTER_VALUE_LENGTH } from '../column-filters';

/**
 * Why a `filter`/`prefix` query parameter is not a set of column conditions, or null when it is.
 * parseQueryString (src/common/query-string.ts) gives `filter[status]=x` as a Map status → x; a
 * plain `filter=x`, a repeated `filter[status]`, a bad column name or a long value are refused.
 */
export function columnValuesProblem(name: string, value: unknown): string | null {
  if (!(value instanceof Map)) {
    return `${name} must be given per column: ${name}[column]=value`;
  }
  const entries = [...(value as Map<unknown, unknown>)];
  if (entries.length > MAX_COLUMN_FILTERS) {
    return `${name} may name at most ${MAX_COLUMN_FILTERS} columns`;
  }
  for (const [column, text] of entries) {
    if (typeof column !== 'string' || !SQL_IDENTIFIER_PATTERN.test(column)) {
      return `${name}[…]: a column name is 1 to 64 characters, none beyond U+FFFF, no NUL`;
    }
    if (typeof text !== 'string') {
      return `${name}[${column}] must be given once`;
    }
    if (text.length > MAX_FILTER_VALUE_LENGTH) {
      return `${name}[${column}] must be at most ${MAX_FILTER_VALUE_LENGTH} characters`;
    }
  }
  return null;
}

/**
 * An optional `name[column]=value` query parameter (OpenAPI deepObject, documented on the route by
 * ApiColumnFilterQueries: the Swagger plugin cannot describe one from a property, so the property
 * also needs `@ApiHideProperty()` written out, which the plugin recognises by name). The parser's Map
 * is taken as it is, not copied by class-transformer.
 */
export function ColumnValuesQueryParam(name: string): PropertyDecorator {
  return applyDecorators(
    Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => obj[key]),
    IsOptional(),
    ValidateBy({
      name: 'isColumnValues',
      validator: {
        validate: (value: unknown) => columnValuesProblem(name, value) === null,
        defaultMessage: (args) => columnValuesProblem(name, args?.value) ?? `${name} is not valid`,
      },
    }),
  );
}
