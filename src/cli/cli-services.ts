import { BeforeApplicationShutdown, INestApplicationContext, Injectable, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { CliLogger } from './cli-logger';
import { CliServicesModule } from './cli-services.module';

/**
 * The services a command needs (CliServicesModule), started on first use in an application
 * context of their own and closed with the CLI.
 *
 * Why not import them into CliModule: the databases connect, and the control database migrates,
 * as soon as their module starts. `--help` must not need a database, and `migrate` must be the one
 * that applies the migrations, so that it can say which ran.
 */
@Injectable()
export class CliServices implements BeforeApplicationShutdown {
  private context: Promise<INestApplicationContext> | null = null;
  private closed: Promise<void> | null = null;

  constructor(private readonly config: AppConfig) {}

  async get<T>(type: Type<T>): Promise<T> {
    if (this.closed) {
      throw new Error('the CLI is shutting down');
    }
    this.context ??= NestFactory.createApplicationContext(CliServicesModule.register(this.config), {
      logger: new CliLogger(this.config),
      // A start-up failure (e.g. an unreachable database) is reported by the command, not by abort().
      abortOnError: false,
    });
    return (await this.context).get(type);
  }

  /**
   * Stops the services: a running job finishes its current batch and is recorded (JobRunner's
   * shutdown hook), leases are released, then the databases close. Safe to call more than once.
   */
  close(): Promise<void> {
    this.closed ??= this.context
      ? this.context.then(
          (context) => context.close(),
          () => undefined, // it never started: nothing to close
        )
      : Promise.resolve();
    return this.closed;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }
}
