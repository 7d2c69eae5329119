import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { DomainError } from './domain-error';

/**
 * The HTTP edge of every error: HttpExceptions pass through unchanged, domain errors become their
 * status (one message, or the list of problems), and anything else is logged with its stack and
 * answered with a bare 500, so no SQL, path or stack trace reaches the client.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('UnexpectedError');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = exception instanceof DomainError ? httpExceptionOf(exception) : exception;
    if (mapped instanceof HttpException || host.getType() !== 'http') {
      super.catch(mapped, host);
      return;
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const response = host.switchToHttp().getResponse();
    response.status(HttpStatus.INTERNAL_SERVER_ERROR).json({
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      message: 'Internal server error',
      error: 'Internal Server Error',
    });
  }
}

export function httpExceptionOf(error: DomainError): HttpException {
  const message = error.problems.length === 1 ? error.problems[0] : [...error.problems];
  switch (error.kind) {
    case 'invalid':
      return new BadRequestException(message);
    case 'not-found':
      return new NotFoundException(message);
    case 'conflict':
      return new ConflictException(message);
    case 'forbidden':
      return new ForbiddenException(message);
    case 'unauthenticated':
      return new UnauthorizedException(message);
  }
}
