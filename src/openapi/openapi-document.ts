import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { OperationObject, ResponsesObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { STATUS_CODES } from 'node:http';
import { MAX_JSON_DEPTH } from '../common/request-body';
import { ErrorResponseDto } from './error-response.dto';
import { addMediaExamples } from './media-examples';

/** Every tag a controller uses, with what its routes are about (the linters want them declared). */
const TAGS: ReadonlyArray<readonly [string, string]> = [
  ['auth', 'Accounts and bearer tokens: signup, login, logout, password, who am I'],
  ['users', 'User administration: roles, table permissions, disabling, deleting, revoking tokens (admin)'],
  ['policies', 'Archival policies, one per source table: what moves when, previews, manual runs'],
  ['runs', 'Records of archive and purge runs, with their progress and outcome (admin)'],
  [
    'archives',
    'Archived rows: the tables a caller may read, their columns, pages filtered by date and column, CSV/JSON-lines exports (admins, and users permitted for the table)',
  ],
  ['audit', 'Who did what to which table, and who read which archive (admin)'],
  ['system', 'The scheduler: its jobs and a test job (admin)'],
  ['connections', 'Named source and archive databases beside the built-in ones; passwords stored encrypted (admin)'],
  ['health', 'Probes for orchestrators: liveness and readiness (no token)'],
  ['metrics', 'Prometheus metrics of runs, batches and backlogs (METRICS_TOKEN, or an admin token)'],
  ['dashboard', 'Archiving at a glance: policy states and daily run totals (admin)'],
];

/** What the body parser answers for any route that reads a body, before the route itself runs. */
const BODY_ERRORS: ReadonlyArray<readonly [400 | 413 | 415, string, string]> = [
  [
    400,
    'The body is not valid JSON, or breaks a rule of its fields',
    'Request body is not valid JSON (at position 12)',
  ],
  [413, 'The body is larger than HTTP_BODY_LIMIT', 'Request body is larger than the limit of 100kb (HTTP_BODY_LIMIT)'],
  [
    415,
    'The body is not JSON in UTF-8, or its Content-Encoding is not gzip, deflate or br',
    'Unsupported Content-Type "text/plain": send the body as application/json',
  ],
];

/** The OpenAPI document of the API, built from the controllers and DTOs (served at /docs-json). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('DAS — Data Archival Service')
    .setDescription(
      'Moves old rows from a production database into an archive database, purges them after their ' +
        'retention period, and serves them to permitted readers. Every /api/v1 route except signup and ' +
        'login needs a bearer token from POST /api/v1/auth/login. Errors have the shape ' +
        '`{"statusCode": 400, "message": "...", "error": "Bad Request"}`; request bodies are JSON in UTF-8, ' +
        `at most HTTP_BODY_LIMIT (default 100kb) and ${MAX_JSON_DEPTH} levels deep.`,
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The DAS server this document was fetched from')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  for (const [name, description] of TAGS) {
    builder.addTag(name, description);
  }
  const config = builder.build();
  // The people who run this server; DocumentBuilder.setContact would also write an empty email.
  config.info.contact = { name: 'The administrators of this DAS server' };
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ErrorResponseDto] });
  for (const operation of operationsOf(document)) {
    // Routes without the bearer requirement are the @Public() ones: say so rather than leave it out.
    operation.security ??= [];
    if (operation.requestBody) {
      addBodyErrors(operation.responses);
    }
  }
  addMediaExamples(document);
  return document;
}

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((pathItem) =>
    (['get', 'put', 'post', 'delete', 'patch'] as const).flatMap((method) => pathItem[method] ?? []),
  );
}

function addBodyErrors(responses: ResponsesObject): void {
  for (const [status, description, message] of BODY_ERRORS) {
    responses[status] ??= {
      description,
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/ErrorResponseDto' },
          example: { statusCode: status, message, error: STATUS_CODES[status] },
        },
      },
    };
  }
}
