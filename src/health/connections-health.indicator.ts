import { Injectable, Logger } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ConnectionCatalog, OpenableConnection } from '../connections/connection-catalog';
import { pingOnce } from '../connections/connection-tester';
import { DataSourceFactory } from '../connections/data-source-factory';
import { PING_TIMEOUT_MS } from './database-health.indicator';
import { describePingFailure } from './ping-failure';

interface ConnectionState {
  status: 'up' | 'down';
  message?: string;
}

/**
 * Readiness of the stored connections, reported under one key, `connections`, that is always `up`:
 * each connection serves only its own policies, so one team's database being down must not take
 * DAS out of rotation (and with it every other team's runs and archive reads). Their states are
 * there for monitoring: `byName` per connection, `down` how many are. An open pool is pinged through
 * itself; otherwise one connection is opened and closed, without keeping a pool.
 */
@Injectable()
export class ConnectionsHealthIndicator {
  private readonly logger = new Logger('Readiness');

  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly catalog: ConnectionCatalog,
    private readonly factory: DataSourceFactory,
  ) {}

  /** No stored connections: no `connections` key at all (the answer stays what it was before connections). */
  async checks(timeoutMs = PING_TIMEOUT_MS): Promise<Array<() => Promise<HealthIndicatorResult>>> {
    let stored: OpenableConnection[];
    try {
      stored = (await this.catalog.list()).filter((connection) => !connection.builtIn);
    } catch {
      // The control database does not answer: its own check says so, with a 503.
      return [];
    }
    if (stored.length === 0) {
      return [];
    }
    return [
      async () => {
        const states = await Promise.all(stored.map((connection) => this.state(connection, timeoutMs)));
        const byName = Object.fromEntries(stored.map((connection, i) => [connection.name, states[i]]));
        return this.indicators
          .check('connections')
          .up({ down: states.filter((state) => state.status === 'down').length, byName });
      },
    ];
  }

  private async state(connection: OpenableConnection, timeoutMs: number): Promise<ConnectionState> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const open = this.factory.openClient(connection.name);
      const ping = open
        ? open.withSession((session) => session.query('SELECT 1')).then(() => undefined)
        : pingOnce(connection.settings(), timeoutMs);
      await Promise.race([
        ping,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return { status: 'up' };
    } catch (error) {
      // The public answer names the failure by its code only; the log line has the driver's words.
      const message = /^no answer within/.test((error as Error).message)
        ? (error as Error).message
        : describePingFailure(error);
      this.logger.warn(`connection ${connection.name} is not reachable: ${message} — ${(error as Error).message}`);
      return { status: 'down', message };
    } finally {
      clearTimeout(timer);
    }
  }
}
