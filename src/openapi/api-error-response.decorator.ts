import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/**
 * Documents an error answer of a route: when it happens, with Nest's error shape and an example.
 * `message` is the example's message (default: the description).
 *
 * @example
 * @ApiErrorResponse(404, 'No policy for this table', 'no policy for table "orders"')
 */
export function ApiErrorResponse(
  status: ErrorStatus,
  description: string,
  message: string | string[] = description,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ErrorResponseDto),
    ApiResponse({
      status,
      description,
      type: ErrorResponseDto,
      example: { statusCode: status, message, error: STATUS_CODES[status] },
    }),
  );
}
