import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { HTTP_APP_OPTIONS, setRoutePrefix } from '../app.setup';
import { buildAppConfig } from '../config/app-config';
import { buildOpenApiDocument } from './openapi-document';

/**
 * Writes the OpenAPI document to a file, as /docs-json serves it: `node dist/openapi/export-openapi.js
 * openapi.json` (run from the build, whose Swagger plugin adds the DTO schemas). The app boots on
 * throwaway SQLite files and never listens. Used by `npm run lint:openapi`.
 */
async function exportOpenApi(outFile: string): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'das-openapi-'));
  try {
    const config = buildAppConfig(
      {
        CONTROL_DB_URL: `sqlite:${join(dataDir, 'control.sqlite')}`,
        SOURCE_DB_URL: `sqlite:${join(dataDir, 'source.sqlite')}`,
        ARCHIVE_DB_URL: `sqlite:${join(dataDir, 'archive.sqlite')}`,
        SCHEDULER_ENABLED: 'false',
        LOG_LEVEL: 'silent',
      },
      dataDir,
    );
    const app = await NestFactory.create(AppModule.register(config), { ...HTTP_APP_OPTIONS, logger: false });
    try {
      setRoutePrefix(app);
      writeFileSync(outFile, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const outFile = process.argv[2];
if (!outFile) {
  process.stderr.write('usage: node dist/openapi/export-openapi.js <file.json>\n');
  process.exit(2);
}
exportOpenApi(resolve(outFile)).then(
  () => process.stdout.write(`wrote ${outFile}\n`),
  (error: unknown) => {
    process.stderr.write(`could not export the OpenAPI document: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
