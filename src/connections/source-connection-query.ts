import { BadRequestException, PipeTransform, Query } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { CONNECTION_NAME_PATTERN, CONNECTION_NAME_RULE } from './connection-names';

/** An optional connection name: undefined when absent, a 400 when malformed. */
class OptionalConnectionName implements PipeTransform<unknown, string | undefined> {
  transform(value: unknown): string | undefined {
    if (value === undefined) {
      return undefined;
    }
    if (typeof value !== 'string' || !CONNECTION_NAME_PATTERN.test(value)) {
      throw new BadRequestException([`connection: ${CONNECTION_NAME_RULE}`]);
    }
    return value;
  }
}

/**
 * `?connection=` of a `{tableName}` route: the policy's source connection (undefined: the built-in
 * `source`). Read on its own, so that the route's other query parameters stay as they were before
 * connections existed (ignored), and a request that worked then works the same now.
 */
export const SourceConnection = (): ParameterDecorator => Query('connection', new OptionalConnectionName());

/** The OpenAPI description of `?connection=`, for the routes that take SourceConnection(). */
export const ApiSourceConnectionQuery = (): MethodDecorator =>
  ApiQuery({
    name: 'connection',
    required: false,
    description: "The policy's source connection; default `source`, the built-in one (SOURCE_DB_URL).",
    example: 'shop_eu',
  });
