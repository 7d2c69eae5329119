import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorFunction, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ARCHIVE_DB, CONTROL_DB, SOURCE_DB } from '../database/database.constants';
import { PingTimeoutError, describePingFailure, errorCode } from './ping-failure';
import { withTimeout } from '../common/with-timeout';

/**
 * Long enough for a busy server, short enough that an orchestrator's probe (often 5 s) gets an
 * answer instead of timing out itself. The three pings run in parallel.
 */
export const PING_TIMEOUT_MS = 2500;

/** Readiness of the three databases: one `SELECT 1` each, with a timeout. */
@Injectable()
export class DatabaseHealthIndicator {
  private readonly logger = new Logger('Readiness');
  private readonly databases: ReadonlyArray<readonly [string, DataSource]>;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectDataSource(CONTROL_DB) control: DataSource,
    @InjectDataSource(SOURCE_DB) source: DataSource,
    @InjectDataSource(ARCHIVE_DB) archive: DataSource,
  ) {
    this.databases = [
      [CONTROL_DB, control],
      [SOURCE_DB, source],
      [ARCHIVE_DB, archive],
    ];
  }

  /** One Terminus check per database, keyed `control`, `source`, `archive`. */
  pingChecks(timeoutMs = PING_TIMEOUT_MS): HealthIndicatorFunction[] {
    return this.databases.map(
      ([key, dataSource]) =>
        () =>
          this.ping(key, dataSource, timeoutMs),
    );
  }

  async ping(key: string, dataSource: DataSource, timeoutMs: number): Promise<HealthIndicatorResult> {
    const check = this.indicators.check(key);
    try {
      await withTimeout(dataSource.query('SELECT 1'), timeoutMs, () => new PingTimeoutError(timeoutMs));
      return check.up();
    } catch (error) {
      const message = describePingFailure(error);
      // The driver's own message (host, user) helps the operator; it never holds the password,
      // and the log stream scrubs configured secrets anyway.
      this.logger.warn(
        `database ${key} is not ready: ${message}` +
          (error instanceof PingTimeoutError ? '' : ` — ${(error as Error)?.message ?? String(error)}`),
      );
      return check.down({ message, ...(errorCode(error) ? { code: errorCode(error) } : {}) });
    }
  }
}
