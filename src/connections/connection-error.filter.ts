import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  ExceptionFilter,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import type { Response } from 'express';
import { createSecretScrubber } from '../logging/secret-scrubber';
import { ConnectionError, InvalidConnectionError } from './connection-errors';

/** The HTTP answer of each kind of connection error: the one place they meet HTTP. */
export function httpExceptionOf(error: ConnectionError): HttpException {
  const scrub = createSecretScrubber([]);
  switch (error.kind) {
    case 'invalid':
      return new BadRequestException((error as InvalidConnectionError).problems.map(scrub));
    case 'not-found':
      return new NotFoundException(scrub(error.message));
    case 'conflict':
    case 'key':
      // A key problem here is a request the server cannot honour as configured (no ENCRYPTION_KEY).
      return new ConflictException(scrub(error.message));
    case 'unavailable':
      return new ServiceUnavailableException(scrub(error.message));
  }
}

/**
 * Answers connection errors in Nest's error shape, on the controllers that can meet them
 * (connections, policies, runs, archive reads). Messages are scrubbed of every secret this process
 * knows, decrypted passwords included.
 */
@Catch(ConnectionError)
export class ConnectionErrorFilter implements ExceptionFilter<ConnectionError> {
  catch(error: ConnectionError, host: ArgumentsHost): void {
    const exception = httpExceptionOf(error);
    host.switchToHttp().getResponse<Response>().status(exception.getStatus()).json(exception.getResponse());
  }
}
