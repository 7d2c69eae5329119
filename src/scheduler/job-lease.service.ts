import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { LessThan, Repository } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CONTROL_DB } from '../database/database.constants';
import { isUniqueViolation } from '../users/unique-violation';
import { JobLease } from './entities/job-lease.entity';

/** A lease this process holds. */
export interface HeldLease {
  readonly name: string;
  readonly owner: string;
  readonly runId: number;
  /** When it lapses unless renewed (as last written by this process). */
  expiresAt: Date;
}

export type LeaseClaim =
  { acquired: true; lease: HeldLease; tookOverFrom: JobLease | null } | { acquired: false; holder: JobLease | null };

/** How many times a claim races an insert/release before it reports the lease as busy. */
const CLAIM_ATTEMPTS = 3;

/**
 * Leases in the control database: at most one holder per name across every process and host.
 * Each step is one statement whose affected-row count says who won, so no transaction is held open
 * on the control database (it may be SQLite, with a single writer).
 */
@Injectable()
export class JobLeaseService {
  private readonly logger = new Logger(JobLeaseService.name);
  /** host:pid:random — unique per process (and per app instance, for tests running two in one process). */
  readonly owner = `${hostname().slice(0, 100)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  readonly ttlMs: number;

  constructor(
    @InjectRepository(JobLease, CONTROL_DB) private readonly leases: Repository<JobLease>,
    config: AppConfig,
  ) {
    this.ttlMs = config.jobLeaseTtlSeconds * 1000;
  }

  /** Takes the lease if it is free or expired; otherwise says who holds it. */
  async acquire(name: string, runId: number): Promise<LeaseClaim> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = new Date();
      const expiresAt = new Date(now.getTime() + this.ttlMs);
      const lease: HeldLease = { name, owner: this.owner, runId, expiresAt };
      try {
        await this.leases.insert({ name, owner: this.owner, runId, acquiredAt: now, expiresAt });
        return { acquired: true, lease, tookOverFrom: null };
      } catch (error) {
        if (!isUniqueViolation(error)) {
          throw error;
        }
      }
      const current = await this.leases.findOneBy({ name });
      if (!current) {
        continue; // released between our insert and our read
      }
      if (current.expiresAt.getTime() >= now.getTime()) {
        return { acquired: false, holder: current };
      }
      // Conditional on the expired holder we saw: of several processes taking over, one matches.
      const takeover = await this.leases.update(
        { name, owner: current.owner, expiresAt: LessThan(now) },
        { owner: this.owner, runId, acquiredAt: now, expiresAt },
      );
      if (takeover.affected === 1) {
        this.logger.warn(
          `Took over the expired lease ${name} from ${current.owner} (run ${current.runId ?? '?'}, expired ${current.expiresAt.toISOString()})`,
        );
        return { acquired: true, lease, tookOverFrom: current };
      }
    }
    return { acquired: false, holder: await this.leases.findOneBy({ name }) };
  }

  /** Who holds the lease now, if anyone does (an expired lease is held by no one). */
  async holderOf(name: string): Promise<JobLease | null> {
    const current = await this.leases.findOneBy({ name });
    return current && current.expiresAt.getTime() >= Date.now() ? current : null;
  }

  /** Extends the lease; false when it is no longer ours (expired and taken over, or removed). */
  async renew(lease: HeldLease): Promise<boolean> {
    const expiresAt = new Date(Date.now() + this.ttlMs);
    // MySQL reports matched rows (FOUND_ROWS), SQLite changed rows: both 1 when we still own it.
    const result = await this.leases.update({ name: lease.name, owner: lease.owner }, { expiresAt });
    if (result.affected === 1) {
      lease.expiresAt = expiresAt;
      return true;
    }
    return false;
  }

  /**
   * Releases the lease if `runId` still holds it, whoever its owner: for a supervisor whose child
   * process executed that run and died (the run cannot hold it any longer).
   */
  async releaseOfRun(name: string, runId: number): Promise<void> {
    await this.leases.delete({ name, runId });
  }

  /** Gives the lease up, if it is still ours. */
  async release(lease: HeldLease): Promise<void> {
    await this.leases.delete({ name: lease.name, owner: lease.owner });
  }
}
