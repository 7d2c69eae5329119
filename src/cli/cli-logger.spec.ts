import { buildAppConfig } from '../config/app-config';
import { CliLogger } from './cli-logger';

function logger(env: Record<string, string>) {
  const lines: string[] = [];
  const config = buildAppConfig({ JWT_SECRET: 'the-jwt-secret-value', ...env });
  return { lines, logger: new CliLogger(config, (text) => lines.push(text)) };
}

describe('CliLogger', () => {
  it('shows warnings and errors by default, as plain lines with their context', () => {
    const { lines, logger: log } = logger({});
    log.log('Nest application successfully started', 'NestApplication');
    log.debug('details', 'JobRunner');
    log.warn('Could not renew the lease', 'LeaseKeeper');
    log.error('Unable to connect', 'Error: x\n    at connect (file.js:1:1)', 'TypeOrmModule');
    expect(lines).toEqual([
      'warn [LeaseKeeper] Could not renew the lease\n',
      'error [TypeOrmModule] Unable to connect\n',
    ]);
  });

  it('shows everything, stacks included, at LOG_LEVEL=debug', () => {
    const { lines, logger: log } = logger({ LOG_LEVEL: 'debug' });
    log.log('started', 'NestApplication');
    log.error('failed', 'Error: x\n    at connect (file.js:1:1)', 'ExceptionHandler');
    expect(lines).toEqual([
      'info [NestApplication] started\n',
      'error [ExceptionHandler] failed\nError: x\n    at connect (file.js:1:1)\n',
    ]);
  });

  it("leaves Nest's start-up failure report to the CLI, and stays silent at LOG_LEVEL=silent", () => {
    const quiet = logger({});
    quiet.logger.error('boom', 'Error: boom\n    at x (y.js:1:1)', 'ExceptionHandler');
    expect(quiet.lines).toEqual([]);
    const silent = logger({ LOG_LEVEL: 'silent' });
    silent.logger.fatal('anything');
    expect(silent.lines).toEqual([]);
  });

  it('removes configured secrets and database passwords from every line', () => {
    const { lines, logger: log } = logger({ CONTROL_DB_URL: 'mysql://das:db-password-99@db:3306/das_control' });
    log.warn('jwt the-jwt-secret-value and mysql://das:db-password-99@db:3306/das_control', 'X');
    expect(lines.join('')).not.toMatch(/the-jwt-secret-value|db-password-99/);
  });
});
