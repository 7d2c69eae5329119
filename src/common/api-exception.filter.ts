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
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Request } from 'express';
import { isUnloggedPath } from '../logging/unlogged-paths';
import { redactUrlQuery } from '../logging/redaction';
import { createSecretScrubber } from '../logging/secret-scrubber';
import { DomainError } from './domain-error';

/**
 * The HTTP edge of every error: HttpExceptions pass through unchanged, domain errors become their
 * status (one message, or the list of problems), and anything else is logged with its stack and
 * answered with a bare 500, so no SQL, path or stack trace reaches the client.
 *
 * A client error is the client's to fix: the request logger records it at warn (LoggingModule).
 * Requests that fail before they reach it (an unreadable body, an undecodable path, an unknown
 * route), and refusals on the routes it leaves out (probes, GET /metrics), are logged here instead,
 * at warn too, with their message and without a stack.
 */
@Catch()
export class ApiExceptionFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('UnexpectedError');
  private readonly clientErrors = new Logger('ClientError');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const mapped = exception instanceof DomainError ? httpExceptionOf(exception) : clientErrorOf(exception);
    if (mapped instanceof HttpException || host.getType() !== 'http') {
      if (mapped instanceof HttpException && host.getType() === 'http') {
        this.logUnseenClientError(mapped, host.switchToHttp().getRequest<Request>());
      }
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

  private logUnseenClientError(exception: HttpException, request: Request): void {
    // pino-http gives every request it logs a `log`; one without it never reached the request logger.
    // Probes and scrapes it leaves out on purpose; their refusals are worth a line all the same.
    const url = request.originalUrl ?? request.url;
    const unseen = (request as { log?: unknown }).log === undefined || isUnloggedPath(url);
    if (exception.getStatus() < 500 && unseen) {
      this.clientErrors.warn(`${request.method} ${redactUrlQuery(url)}: ${exception.getStatus()} ${exception.message}`);
    }
  }
}

/**
 * Express's router refuses a path it cannot decode with a bare 400 error of its own: the same 400
 * as an HttpException, so that it is answered and logged like every other client error.
 */
function clientErrorOf(exception: unknown): unknown {
  const status = (exception as { status?: unknown } | null)?.status;
  return exception instanceof URIError && status === 400 ? new BadRequestException(exception.message) : exception;
}

/**
 * The HTTP answer of a domain error: the one place domain errors meet HTTP. Messages are scrubbed
 * of every secret this process knows (a connection's decrypted password included).
 */
export function httpExceptionOf(error: DomainError): HttpException {
  const scrub = createSecretScrubber([]);
  const problems = error.problems.map(scrub);
  const message = problems.length === 1 && !error.listed ? problems[0] : problems;
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
    case 'unavailable':
      return new ServiceUnavailableException(message);
  }
}
