import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { jsonDepthExceeds } from './json-depth';

/**
 * Deepest JSON nesting a body may have. The deepest body DAS reads (a policy criterion's value list)
 * is 4 levels; the limit keeps validation, which walks bodies recursively, far from the stack's end.
 */
export const MAX_JSON_DEPTH = 32;

const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)"?/i;

/**
 * How request bodies are read: JSON only, UTF-8 only, at most HTTP_BODY_LIMIT (after
 * decompression), at most MAX_JSON_DEPTH deep. Every refusal is a 4xx in the usual error shape
 * (ApiExceptionFilter logs it at warn, without a stack). Needs the app created with `bodyParser: false`, so that Nest's
 * default parsers (100kb JSON, urlencoded) do not run first.
 */
export function configureRequestBodies(app: NestExpressApplication, config: AppConfig): void {
  app.use(requireJsonBody);
  app.useBodyParser('json', { limit: config.http.bodyLimitBytes, strict: true });
  app.use(limitJsonDepth);
  // Turns body-parser's errors into the client errors they are; the exception filter answers them.
  app.use((error: unknown, request: Request, _response: Response, next: NextFunction) => {
    next(bodyRefusal(error, config.http.bodyLimit, request.headers['content-encoding']) ?? error);
  });
}

/** A body must be JSON in UTF-8; without a body, anything goes (GET, DELETE, empty POST). */
function requireJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const hasBody =
    request.headers['transfer-encoding'] !== undefined ||
    (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
  if (!hasBody) {
    next();
    return;
  }
  if (!request.is(['application/json', 'application/*+json'])) {
    next(
      new UnsupportedMediaTypeException(
        `Unsupported Content-Type ${quoted(request.headers['content-type'] ?? '')}: send the body as application/json`,
      ),
    );
    return;
  }
  const charset = CHARSET.exec(request.headers['content-type'] ?? '')?.[1].toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    next(new UnsupportedMediaTypeException(`Unsupported charset ${quoted(charset)}: send JSON as UTF-8`));
    return;
  }
  next();
}

function limitJsonDepth(request: Request, _response: Response, next: NextFunction): void {
  if (jsonDepthExceeds(request.body, MAX_JSON_DEPTH)) {
    next(new BadRequestException(`Request body is nested deeper than ${MAX_JSON_DEPTH} levels`));
    return;
  }
  next();
}

/** What body-parser (through http-errors) reports. */
interface BodyParserError {
  status: number;
  expose: boolean;
  message: string;
  type?: string;
  code?: string;
  charset?: string;
  encoding?: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500 &&
    candidate.expose === true
  );
}

/** The client error to answer for a failed body, or null when `error` is not about the body. */
function bodyRefusal(error: unknown, limit: string, contentEncoding: string | undefined): HttpException | null {
  if (error instanceof HttpException) {
    return error.getStatus() < 500 ? error : null;
  }
  if (!isBodyParserError(error)) {
    return null;
  }
  switch (error.type ?? 'untyped') {
    case 'entity.too.large':
      return new PayloadTooLargeException(`Request body is larger than the limit of ${limit} (HTTP_BODY_LIMIT)`);
    case 'charset.unsupported':
      return new UnsupportedMediaTypeException(
        `Unsupported charset ${quoted(error.charset ?? '')}: send JSON as UTF-8`,
      );
    case 'encoding.unsupported':
      return new UnsupportedMediaTypeException(
        `Unsupported Content-Encoding ${quoted(error.encoding ?? '')}: send the body as it is, or as gzip, deflate or br`,
      );
    case 'entity.parse.failed': {
      // The parser's own message quotes the body, which may hold a password: only its position is kept.
      const position = /position (\d+)/.exec(error.message)?.[1];
      return new BadRequestException(`Request body is not valid JSON${position ? ` (at position ${position})` : ''}`);
    }
    default:
      // Errors without a type come from the decompression stream: the body is not what its encoding says.
      return new BadRequestException(
        error.type === undefined && contentEncoding !== undefined && contentEncoding !== 'identity'
          ? `Request body could not be decompressed: it is not valid ${contentEncoding}`
          : `Request body could not be read: ${error.message}`,
      );
  }
}

/** A header value as shown in a message: quoted, escaped and cut short (headers can be 16 kB). */
function quoted(value: string): string {
  return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
}
