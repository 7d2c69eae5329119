import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AppConfig } from '../config/app-config';
import { REDACTED, REDACTED_LOG_PATHS, redactUrlQuery } from './redaction';
import { configuredSecrets, createSecretScrubber } from './secret-scrubber';
import { isUnloggedPath } from './unlogged-paths';

/** Request ids we accept from a caller (or a proxy); anything else is replaced by a fresh UUID. */
const REQUEST_ID = /^[\w.-]{1,128}$/;

/**
 * Structured JSON logs (pino) with a request id on every line. Secrets are removed at the logger,
 * so a careless `logger.log(obj)` cannot leak them: known fields are redacted, and every finished
 * line is scrubbed of configured secret values and token-shaped text. Probes and metrics scrapes are not logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const scrub = createSecretScrubber(configuredSecrets(config));
        const stdout: DestinationStream = { write: (line: string) => process.stdout.write(scrub(line)) };
        return {
          // Express 5 wildcard syntax: the library's default (`*`) makes Nest warn at every start.
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: [
            {
              level: config.logLevel,
              redact: { paths: REDACTED_LOG_PATHS, censor: REDACTED },
              genReqId: (req: IncomingMessage, res) => {
                const incoming = req.headers['x-request-id'];
                const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
                res.setHeader('x-request-id', id);
                return id;
              },
              // A client error is the client's to fix: a warning, never an error with a stack.
              customLogLevel: (_req: IncomingMessage, res: { statusCode: number }, error?: Error) =>
                error !== undefined || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
              autoLogging: { ignore: (req: IncomingMessage) => isUnloggedPath(req.url ?? '') },
              // Method, URL and status only: headers carry tokens and cookies, bodies carry passwords.
              serializers: {
                req: (req: { id: string; method: string; url: string }) => ({
                  id: req.id,
                  method: req.method,
                  url: redactUrlQuery(req.url),
                }),
                res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
              },
            },
            stdout,
          ],
        };
      },
    }),
  ],
})
export class LoggingModule {}
