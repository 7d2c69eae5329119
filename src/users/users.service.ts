import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import { CONTROL_DB } from '../database/database.constants';
import { TABLE_NAME_PATTERN, TABLE_NAME_RULE, credentialProblems } from './credential-rules';
import { UserDto } from './dto/user.dto';
import { Role, User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { isUniqueViolation } from './unique-violation';

/**
 * Users, roles and table permissions. Used by the HTTP API and the CLI alike, so every method checks
 * its own input and writes its own audit entry. Roles and permissions reach a user's token at their
 * next login: tokens already issued keep what they were issued with.
 */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User, CONTROL_DB) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
  ) {}

  async list(): Promise<UserDto[]> {
    const users = await this.users.find({ order: { id: 'ASC' } });
    return users.map(toUserDto);
  }

  /**
   * The stored user (password hash included — never return it to a client) or null.
   * Case-insensitive on every engine, as MariaDB's collation already is, so `Alice` and `alice`
   * are one account on SQLite too.
   */
  findByUsername(username: string): Promise<User | null> {
    return this.lookup(this.users.manager, username, false);
  }

  async hasAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin' } });
  }

  /** Self-service signup: always a plain user without permissions, whatever else the client sent. */
  register(username: string, password: string): Promise<UserDto> {
    return this.create(username, password, 'user', 'user.signup', undefined);
  }

  /** Creates an admin (CLI `user:create-admin`, ADMIN_USERNAME at boot). 409 if the username is taken. */
  createAdmin(username: string, password: string, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.create(username, password, 'admin', 'user.create-admin', actor);
  }

  /** Replaces the user's table permissions. */
  setPermissions(username: string, tables: string[], actor: AuditActor = 'system'): Promise<UserDto> {
    return this.changePermissions(username, actor, () => tables);
  }

  /** Adds tables to the user's permissions (CLI `user:grant`). */
  grant(username: string, tables: string[], actor: AuditActor = 'system'): Promise<UserDto> {
    return this.changePermissions(username, actor, (current) => [...current, ...tables]);
  }

  /** Refuses to demote the last admin, which would leave nobody able to manage the service. */
  setRole(username: string, role: Role, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.update(username, actor, 'user.role', (user, adminCount) => {
      const previous = user.role;
      if (previous === 'admin' && role !== 'admin' && adminCount <= 1) {
        throw new ConflictException(`"${user.username}" is the only admin: promote another user first`);
      }
      user.role = role;
      return { role, previous };
    });
  }

  private changePermissions(
    username: string,
    actor: AuditActor,
    next: (current: string[]) => string[],
  ): Promise<UserDto> {
    return this.update(username, actor, 'user.permissions', (user) => {
      const previous = user.permissions;
      const permissions = [...new Set(next(previous))];
      const invalid = permissions.filter((table) => !TABLE_NAME_PATTERN.test(table));
      if (invalid.length > 0) {
        throw new BadRequestException(`${TABLE_NAME_RULE} (got ${invalid.map((t) => JSON.stringify(t)).join(', ')})`);
      }
      user.permissions = permissions;
      return { permissions, previous };
    });
  }

  /**
   * Loads the user, lets `change` modify it and describe the change, then saves it with its audit
   * entry in one transaction: both happen or neither does.
   */
  private update(
    username: string,
    actor: AuditActor,
    action: string,
    change: (user: User, adminCount: number) => Record<string, unknown>,
  ): Promise<UserDto> {
    return this.users.manager.transaction(async (manager) => {
      // Every change first locks the admin rows, always in the same order: concurrent changes then
      // queue instead of deadlocking, and the count is current, so two admins demoting each other
      // at once cannot both see "another admin is left".
      const adminCount = await withRowLock(
        manager,
        manager.getRepository(User).createQueryBuilder('u').where('u.role = :role', { role: 'admin' }),
      ).getCount();
      const user = await this.requireUser(manager, username);
      const details = change(user, adminCount);
      user.updatedAt = new Date();
      await manager.getRepository(User).save(user);
      await this.audit.record({ actor, action, details: { username: user.username, ...details } }, manager);
      return toUserDto(user);
    });
  }

  /** `actor` undefined: the new user acts for themself (signup). */
  private async create(
    username: string,
    password: string,
    role: Role,
    action: string,
    actor: AuditActor | undefined,
  ): Promise<UserDto> {
    const problems = credentialProblems(username, password);
    if (problems.length > 0) {
      throw new BadRequestException(problems);
    }
    if (await this.findByUsername(username)) {
      throw usernameTaken(username);
    }
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.users.manager.transaction(async (manager) => {
        const now = new Date();
        const repository = manager.getRepository(User);
        const user = await repository.save(
          repository.create({ username, passwordHash, role, permissions: [], createdAt: now, updatedAt: now }),
        );
        const created = toUserDto(user);
        await this.audit.record({ actor: actor ?? created, action, details: { username, role } }, manager);
        return created;
      });
    } catch (error) {
      // Lost a race with a concurrent signup (or another process's boot) for the same name.
      if (isUniqueViolation(error)) {
        throw usernameTaken(username);
      }
      throw error;
    }
  }

  private async requireUser(manager: EntityManager, username: string): Promise<User> {
    const user = await this.lookup(manager, username, true);
    if (!user) {
      throw new NotFoundException(`No user named "${username}"`);
    }
    return user;
  }

  /** `forUpdate`: lock the row so concurrent read-modify-write changes cannot lose one another. */
  private lookup(manager: EntityManager, username: string, forUpdate: boolean): Promise<User | null> {
    const query = manager
      .getRepository(User)
      .createQueryBuilder('u')
      .where('LOWER(u.username) = LOWER(:username)', { username });
    return (forUpdate ? withRowLock(manager, query) : query).getOne();
  }
}

/** SELECT … FOR UPDATE on MySQL/MariaDB; SQLite has no row locks, and its transactions already serialize writers. */
function withRowLock<T extends ObjectLiteral>(
  manager: EntityManager,
  query: SelectQueryBuilder<T>,
): SelectQueryBuilder<T> {
  return manager.connection.options.type === 'mysql' ? query.setLock('pessimistic_write') : query;
}

function usernameTaken(username: string): ConflictException {
  return new ConflictException(`Username "${username}" is already taken`);
}

export function toUserDto(user: Pick<User, 'id' | 'username' | 'role' | 'permissions'>): UserDto {
  return { id: user.id, username: user.username, role: user.role, permissions: [...user.permissions] };
}
