import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ThrowawayMariaDb, startThrowawayMariaDb } from '../tools/throwaway-mariadb';
import { TestApp, startTestApp, useTestApp } from './support/test-app';
import {
  TestDatabases,
  createTestDatabases,
  describeEachEngine,
  describeMariaDb,
  mysqlConnection,
} from './support/test-databases';

describeEachEngine('health probes', (engine) => {
  let app: TestApp;
  useTestApp(engine, (started) => ({ app } = started));

  it('GET /health answers 200 in Terminus format without a token', async () => {
    const response = await app.http().get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
  });

  it('GET /ready answers 200 with control, source and archive up, without a token', async () => {
    const response = await app.http().get('/ready');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.details).toEqual({
      control: { status: 'up' },
      source: { status: 'up' },
      archive: { status: 'up' },
    });
  });

  it('serves the probes at the root only, not under /api/v1', async () => {
    expect((await app.http().get('/api/v1/health')).status).toBe(404);
    expect((await app.http().get('/api/v1/ready')).status).toBe(404);
  });

  it('documents both probes in the OpenAPI document', async () => {
    const paths = (await app.http().get('/docs-json')).body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/health', '/ready']));
  });
});

/**
 * The archive database lives on a second, private MariaDB server that the test pauses and stops
 * underneath the running service.
 */
describeMariaDb('readiness when a database goes away [mariadb]', () => {
  const archivePassword = 'archive-server-pw-5f2a9c';
  let databases: TestDatabases;
  let archiveServer: ThrowawayMariaDb;
  let app: TestApp;

  beforeAll(async () => {
    archiveServer = await startThrowawayMariaDb({ rootPassword: archivePassword, bufferPoolSize: '32M' });
    const admin = await mysqlConnection(archiveServer.url(''));
    await admin.query('CREATE DATABASE das_archive CHARACTER SET utf8mb4');
    await admin.end();
    databases = await createTestDatabases('mysql');
    app = await startTestApp(databases, { ARCHIVE_DB_URL: archiveServer.url('das_archive') });
  });

  afterAll(async () => {
    await app?.close();
    await databases?.drop();
    await archiveServer?.stop();
  });

  const serverPid = () => Number(readFileSync(join(archiveServer.dir, 'mysqld.pid'), 'utf8').trim());

  it('is ready while all three databases answer', async () => {
    const response = await app.http().get('/ready');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body.info)).toEqual(['control', 'source', 'archive']);
  });

  it('answers 503 naming the archive within the ping timeout when its server stops answering', async () => {
    process.kill(serverPid(), 'SIGSTOP');
    try {
      const started = Date.now();
      const response = await app.http().get('/ready');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('error');
      expect(response.body.error).toEqual({ archive: { status: 'down', message: 'no answer within 2500 ms' } });
      expect(response.body.info).toEqual({ control: { status: 'up' }, source: { status: 'up' } });
    } finally {
      process.kill(serverPid(), 'SIGCONT');
    }
  });

  it('is ready again once the server answers again', async () => {
    const response = await app.http().get('/ready');
    expect(response.status).toBe(200);
  });

  it('answers 503 naming the archive once its server is gone, while /health stays 200', async () => {
    await archiveServer.stop();

    const ready = await app.http().get('/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('error');
    expect(Object.keys(ready.body.error)).toEqual(['archive']);
    expect(ready.body.error.archive.status).toBe('down');
    expect(ready.body.error.archive.message).toMatch(/connection (refused|lost|reset)|ping failed/);
    expect(ready.body.details.control.status).toBe('up');
    expect(ready.body.details.source.status).toBe('up');
    // A public probe must not reveal credentials or where the databases live.
    expect(ready.text).not.toContain(archivePassword);
    expect(ready.text).not.toContain(String(archiveServer.port));

    const health = await app.http().get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });
});
