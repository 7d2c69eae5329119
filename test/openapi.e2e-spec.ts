import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintOpenApi } from '../tools/openapi-lint';
import { OpenApiDocument, Schema, operationsOf } from './support/fuzz/openapi-operations';
import { TestApp, useTestApp } from './support/test-app';
import { TestDatabases } from './support/test-databases';

type Media = { schema?: Schema; example?: unknown; examples?: unknown };
type Operation = {
  description?: string;
  security?: unknown[];
  tags?: string[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
};
type Document = OpenApiDocument & {
  servers?: Array<{ url: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths: Record<string, Record<string, Operation>>;
};

/**
 * The OpenAPI document as /docs-json serves it: clean for Redocly's recommended rules and for
 * Spectral's `spectral:oas`, and holding what a client generator or a reviewer needs.
 */
describe('OpenAPI document', () => {
  let app: TestApp;
  let document: Document;
  useTestApp('sqlite', (started: { databases: TestDatabases; app: TestApp }) => ({ app } = started));

  beforeAll(async () => {
    document = (await app.http().get('/docs-json').expect(200)).body as Document;
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ id: `${method.toUpperCase()} ${path}`, operation })),
    );

  it('has no error and no warning with Redocly (recommended) nor with Spectral (spectral:oas)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'das-openapi-test-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const reports = await lintOpenApi(file);
      expect(reports.map((report) => ({ tool: report.tool, problems: report.problems }))).toEqual([
        { tool: 'Redocly (recommended)', problems: [] },
        { tool: 'Spectral (spectral:oas)', problems: [] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names its servers and describes every tag it uses', () => {
    expect(document.servers?.length).toBeGreaterThan(0);
    const declared = new Map((document.tags ?? []).map((tag) => [tag.name, tag.description]));
    for (const { id, operation } of operations()) {
      for (const tag of operation.tags ?? []) {
        expect({ id, tag, description: declared.get(tag) }).toEqual({ id, tag, description: expect.any(String) });
      }
    }
  });

  it('describes every operation, and says `security: []` exactly on the routes that need no token', async () => {
    for (const { id, operation } of operations()) {
      expect({ id, description: operation.description }).toEqual({ id, description: expect.stringMatching(/\S/) });
      expect({ id, security: Array.isArray(operation.security) }).toEqual({ id, security: true });
    }
    // What the document says is what the server does: an anonymous call is a 401 exactly on secured routes.
    for (const operation of operationsOf(document)) {
      const path = operation.pathTemplate.replace(/\{\w+\}/g, 'x');
      const response = await app.http()[operation.method.toLowerCase() as 'get'](path);
      expect({ id: operation.id, unauthorized: response.status === 401 }).toEqual({
        id: operation.id,
        unauthorized: !operation.public,
      });
    }
  });

  it('gives every error status the error schema, and every request body and response an example', () => {
    for (const { id, operation } of operations()) {
      const bodies = [
        ['request body', operation.requestBody] as const,
        ...Object.entries(operation.responses).map(([status, response]) => [status, response] as const),
      ];
      for (const [what, body] of bodies) {
        // JSON everywhere, except the text GET /metrics answers in Prometheus' format and the files of
        // GET /archives/{tableName}/export (each of whose formats needs its example too).
        const exportFormats = [body?.content?.['text/csv'], body?.content?.['application/x-ndjson']];
        if (exportFormats.some((format) => format !== undefined)) {
          expect({ id, what, examples: exportFormats.map((format) => typeof format?.example) }).toEqual({
            id,
            what,
            examples: ['string', 'string'],
          });
        }
        const media = body?.content?.['application/json'] ?? body?.content?.['text/plain'] ?? exportFormats[0];
        if (!media) {
          // Only bodiless answers (204) lack content.
          expect({ id, what }).toEqual({ id, what: what === 'request body' && !body ? what : '204' });
          continue;
        }
        expect({ id, what, example: media.example !== undefined || media.examples !== undefined }).toEqual({
          id,
          what,
          example: true,
        });
        const probe = /^[45]\d\d$/.test(what) && !(id.endsWith(' /ready') || id.endsWith(' /health'));
        if (probe) {
          expect({ id, what, schema: media.schema?.$ref }).toEqual({
            id,
            what,
            schema: '#/components/schemas/ErrorResponseDto',
          });
        }
      }
    }
  });

  it('types every integer field as an integer with a minimum and a maximum', () => {
    const numbers: string[] = [];
    const visit = (value: unknown, where: string): void => {
      if (typeof value !== 'object' || value === null) {
        return;
      }
      const schema = value as Schema;
      if (schema.type === 'integer' && (schema.minimum === undefined || schema.maximum === undefined)) {
        numbers.push(`${where}: integer without bounds`);
      }
      for (const [key, child] of Object.entries(value)) {
        // A criterion's value may be any number (it is compared with a column of any type).
        if (!(schema.type === 'number' && where.includes('.oneOf'))) {
          visit(child, `${where}.${key}`);
        }
      }
      if (schema.type === 'number' && !where.includes('.oneOf')) {
        numbers.push(`${where}: number (integers are "integer")`);
      }
    };
    visit(document, '');
    expect(numbers).toEqual([]);
  });
});
