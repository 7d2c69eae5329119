import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, FindOptionsWhere, Repository } from 'typeorm';
import { AuthenticatedUser } from '../auth/authenticated-user';
import { CONTROL_DB } from '../database/database.constants';
import { AuditEntryDto } from './dto/audit-entry.dto';
import { AuditQueryDto, DEFAULT_AUDIT_LIMIT } from './dto/audit-query.dto';
import { AuditEntry } from './entities/audit-entry.entity';

/**
 * Who acted: the caller of an HTTP route, or a name for a non-human actor —
 * `system` (scheduler, boot), `cli`, or `anonymous` (e.g. a failed login).
 */
export type AuditActor = Pick<AuthenticatedUser, 'id' | 'username'> | string;

export interface AuditRecord {
  actor: AuditActor;
  /** Dotted verb such as `policy.upsert`, `run.start`, `archive.read`, `user.role`. */
  action: string;
  tableName?: string | null;
  /** The connection acted on (a policy's source connection, the one read from, or the one changed). */
  connection?: string | null;
  rowCount?: number | null;
  /** Free-form context, stored as JSON. Never put passwords, tokens or secrets here. */
  details?: Record<string, unknown> | null;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(@InjectRepository(AuditEntry, CONTROL_DB) private readonly entries: Repository<AuditEntry>) {}

  /**
   * Appends one entry. Pass `manager` to write it inside your own transaction, so the entry and the
   * change it describes commit (or roll back) together.
   *
   * A failed write is logged and rethrown: the audited request then fails (a 500 over HTTP) rather
   * than succeed without its trail — an unaudited change is worse than a failed one.
   */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEntry) : this.entries;
    const actor = typeof entry.actor === 'string' ? { username: entry.actor, id: null } : entry.actor;
    try {
      // save(), not insert(): insert's typing cannot take the JSON `details` column.
      await repository.save(
        repository.create({
          at: new Date(),
          actor: actor.username,
          actorId: actor.id,
          action: entry.action,
          tableName: entry.tableName ?? null,
          connection: entry.connection ?? null,
          rowCount: entry.rowCount ?? null,
          details: entry.details ?? null,
        }),
      );
    } catch (error) {
      this.logger.error(
        `Could not write audit entry ${entry.action} by ${actor.username}: ${(error as Error).message}`,
        (error as Error).stack,
      );
      throw error;
    }
  }

  /** Newest first; every filter is an exact match. */
  async find(query: AuditQueryDto): Promise<AuditEntryDto[]> {
    const where: FindOptionsWhere<AuditEntry> = {};
    // TypeORM rejects undefined in `where`, so only the given filters are set.
    if (query.actor !== undefined) {
      where.actor = query.actor;
    }
    if (query.action !== undefined) {
      where.action = query.action;
    }
    if (query.tableName !== undefined) {
      where.tableName = query.tableName;
    }
    if (query.connection !== undefined) {
      where.connection = query.connection;
    }
    const rows = await this.entries.find({
      where,
      // `at` can tie (MySQL DATETIME keeps whole seconds); the id keeps insertion order.
      order: { at: 'DESC', id: 'DESC' },
      take: query.limit ?? DEFAULT_AUDIT_LIMIT,
    });
    return rows.map(toAuditEntryDto);
  }
}

function toAuditEntryDto(entry: AuditEntry): AuditEntryDto {
  return {
    id: entry.id,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    tableName: entry.tableName,
    connection: entry.connection,
    rowCount: entry.rowCount,
    details: entry.details,
  };
}
