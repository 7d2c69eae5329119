import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min, ValidationArguments } from 'class-validator';

export interface IntegerRange {
  readonly min: number;
  readonly max: number;
}

interface IntegerFieldOptions {
  /** May be left out (or be null, which validation treats alike). */
  optional?: boolean;
  /** Documented as nullable: null has a meaning of its own (e.g. "the default"). */
  nullable?: boolean;
  example: number;
}

/** How a query parameter spells an integer: decimal digits, no sign, no leading zero, no exponent. */
const DECIMAL_INTEGER = /^(0|[1-9]\d{0,15})$/;

/**
 * An integer body field in [min, max]: validated (a float, a string or a number out of range is a
 * 400 naming the range) and documented as an OpenAPI `integer` with both bounds.
 */
export function IntegerField(range: IntegerRange, options: IntegerFieldOptions): PropertyDecorator {
  const message = ({ property }: ValidationArguments) =>
    `${property} must be an integer from ${range.min} to ${range.max}`;
  return applyDecorators(
    ...(options.optional ? [IsOptional()] : []),
    IsInt({ message }),
    Min(range.min, { message }),
    Max(range.max, { message }),
    ApiProperty({
      type: 'integer',
      minimum: range.min,
      maximum: range.max,
      required: !options.optional,
      nullable: options.nullable,
      example: options.example,
    }),
  );
}

/**
 * An optional integer query parameter in [min, max], read strictly: only plain decimal digits
 * become a number (`limit=0x10`, `limit=1e3`, `limit=+5`, `limit=010` and a repeated parameter
 * stay what they are and fail validation), so a value means what it looks like.
 */
export function IntegerQueryParam(
  range: IntegerRange,
  options: Omit<IntegerFieldOptions, 'optional' | 'nullable'>,
): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' && DECIMAL_INTEGER.test(value) ? Number(value) : value,
    ),
    IntegerField(range, { ...options, optional: true }),
  );
}
