import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { SOURCE_DB } from './database.constants';
import { SAMPLE_ORDER_COUNT, seedSampleOrders } from './sample-data';

/** Gives a new, empty embedded source database the sample `orders` table (default setup only). */
@Injectable()
export class SampleDataSeeder implements OnModuleInit {
  private readonly logger = new Logger(SampleDataSeeder.name);

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource(SOURCE_DB) private readonly source: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.seedSampleData || this.config.sourceDb.engine !== 'sqlite') {
      return;
    }
    const tables = await this.source.query("SELECT name FROM sqlite_master WHERE type = 'table'");
    if (tables.length > 0) {
      return;
    }
    await seedSampleOrders(this.source);
    this.logger.log(`Seeded the sample table "orders" with ${SAMPLE_ORDER_COUNT} rows in ${this.config.sourceDb.path}`);
  }
}
