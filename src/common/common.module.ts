import { Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ApiExceptionFilter } from './api-exception.filter';

/**
 * Cross-cutting request handling, registered as APP_* providers so that e2e tests get exactly
 * what production gets.
 */
@Module({
  providers: [
    {
      provide: APP_PIPE,
      useFactory: () =>
        new ValidationPipe({
          whitelist: true,
          forbidNonWhitelisted: true,
          transform: true,
          transformOptions: { enableImplicitConversion: false },
          // One message per field: its first broken rule (an integer field's three checks say the same).
          stopAtFirstError: true,
        }),
    },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class CommonModule {}
