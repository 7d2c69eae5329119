import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { AuditActor, AuditService } from '../audit/audit.service';
import type { AuthenticatedUser } from '../auth/authenticated-user';
import { RevokedToken } from '../auth/entities/revoked-token.entity';
import { ConflictError, ForbiddenError, InvalidInputError, NotFoundError } from '../common/domain-error';
import { CONTROL_DB } from '../database/database.constants';
import {
  PASSWORD_RULE,
  TABLE_NAME_PATTERN,
  TABLE_NAME_RULE,
  credentialProblems,
  isValidPassword,
} from './credential-rules';
import { UserDto } from './dto/user.dto';
import { Role, User } from './entities/user.entity';
import { GrantableTables } from './grantable-tables';
import { PasswordHasher } from './password-hasher';
import { isUniqueViolation } from './unique-violation';

export interface GrantOptions {
  /** Grant tables that have no policy and do not exist in the source yet (they get one later). */
  allowMissing?: boolean;
}

/** Called after a change that makes the user's tokens stale, so this process stops trusting them at once. */
export type TokenStateListener = (userId: number) => void;

/**
 * Users, roles, table permissions and the account lifecycle. Used by the HTTP API and the CLI
 * alike, so every method checks its own input and writes its own audit entry. Every change to a
 * user's rights or credentials raises their token version: tokens issued before are refused
 * (within TOKEN_CHECK_CACHE_MS on other processes; at once on this one), see decision 011.
 */
@Injectable()
export class UsersService {
  private readonly tokenStateListeners: TokenStateListener[] = [];

  constructor(
    @InjectRepository(User, CONTROL_DB) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditService,
    private readonly grantable: GrantableTables,
  ) {}

  /** `listener` hears of every user whose tokens just became stale (the token check's cache). */
  onTokenStateChange(listener: TokenStateListener): void {
    this.tokenStateListeners.push(listener);
  }

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

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  async hasAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: 'admin' } });
  }

  /** Self-service signup: always a plain user without permissions, whatever else the client sent. */
  register(username: string, password: string): Promise<UserDto> {
    return this.create(username, password, 'user', 'user.signup', undefined);
  }

  /** Creates an admin (CLI `user:create-admin`, ADMIN_USERNAME at boot). Conflict if the username is taken. */
  createAdmin(username: string, password: string, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.create(username, password, 'admin', 'user.create-admin', actor);
  }

  /** Replaces the user's table permissions; tables not held yet must be grantable (see GrantableTables). */
  setPermissions(
    username: string,
    tables: string[],
    actor: AuditActor = 'system',
    options: GrantOptions = {},
  ): Promise<UserDto> {
    return this.changePermissions(username, actor, options, () => tables);
  }

  /** Adds tables to the user's permissions (CLI `user:grant`). */
  grant(
    username: string,
    tables: string[],
    actor: AuditActor = 'system',
    options: GrantOptions = {},
  ): Promise<UserDto> {
    return this.changePermissions(username, actor, options, (current) => [...current, ...tables]);
  }

  /** Refuses to demote the last enabled admin, which would leave nobody able to manage the service. */
  setRole(username: string, role: Role, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.update(username, actor, 'user.role', (user, enabledAdmins) => {
      const previous = user.role;
      if (role !== 'admin') {
        refuseToRemoveLastAdmin(user, enabledAdmins, 'demoted');
      }
      user.role = role;
      return { role, previous };
    });
  }

  /** A disabled user cannot log in and their tokens are refused; enabling lets them log in again. */
  setDisabled(username: string, disabled: boolean, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.update(username, actor, disabled ? 'user.disable' : 'user.enable', (user, enabledAdmins) => {
      if (disabled) {
        refuseToRemoveLastAdmin(user, enabledAdmins, 'disabled');
      }
      user.disabled = disabled;
      return { disabled };
    });
  }

  /** Ends every token issued to the user so far (the account itself stays as it is). */
  revokeTokens(username: string, actor: AuditActor = 'system'): Promise<UserDto> {
    return this.update(username, actor, 'user.revoke-tokens', (user) => {
      user.tokenVersion += 1;
      return { tokenVersion: user.tokenVersion };
    });
  }

  /** Changes one's own password after checking the current one; every token of the user ends, this one too. */
  async changePassword(caller: AuthenticatedUser, currentPassword: string, newPassword: string): Promise<void> {
    if (!isValidPassword(newPassword)) {
      throw new InvalidInputError(PASSWORD_RULE);
    }
    const stored = await this.findById(caller.id);
    if (!stored || !(await this.hasher.verify(stored.passwordHash, currentPassword))) {
      throw new ForbiddenError('currentPassword is not your current password');
    }
    const passwordHash = await this.hasher.hash(newPassword);
    await this.update(stored.username, caller, 'user.password', (user) => {
      user.passwordHash = passwordHash;
      return {};
    });
  }

  /** Deletes the user; refuses the last enabled admin. Their tokens are refused from then on. */
  async remove(username: string, actor: AuditActor = 'system'): Promise<void> {
    const removed = await this.users.manager.transaction(async (manager) => {
      const enabledAdmins = await lockAdmins(manager);
      const user = await this.requireUser(manager, username);
      refuseToRemoveLastAdmin(user, enabledAdmins, 'deleted');
      await manager.getRepository(User).delete({ id: user.id });
      // Logged-out tokens of a user who is gone need no list: the missing user already refuses them.
      await manager.getRepository(RevokedToken).delete({ userId: user.id });
      await this.audit.record({ actor, action: 'user.delete', details: { username: user.username } }, manager);
      return user;
    });
    this.announceTokenStateChange(removed.id);
  }

  private async changePermissions(
    username: string,
    actor: AuditActor,
    options: GrantOptions,
    next: (current: string[]) => string[],
  ): Promise<UserDto> {
    const existing = await this.findByUsername(username);
    if (!existing) {
      throw userNotFound(username);
    }
    const current = existing.permissions;
    const requested = [...new Set(next(current))];
    const invalid = requested.filter((table) => !TABLE_NAME_PATTERN.test(table));
    if (invalid.length > 0) {
      throw new InvalidInputError(`${TABLE_NAME_RULE} (got ${invalid.map((t) => JSON.stringify(t)).join(', ')})`);
    }
    // Only new tables are checked: a table granted earlier stays grantable after its policy is gone.
    const problems = await this.grantable.problems(
      requested.filter((table) => !current.includes(table)),
      options.allowMissing ?? false,
    );
    if (problems.length > 0) {
      throw new InvalidInputError(problems);
    }
    return this.update(username, actor, 'user.permissions', (user) => {
      const previous = user.permissions;
      user.permissions = [...new Set(next(previous))];
      return { permissions: user.permissions, previous };
    });
  }

  /**
   * Loads the user, lets `change` modify it and describe the change, then saves it with its audit
   * entry in one transaction: both happen or neither does. A change to the user's rights or
   * credentials raises their token version in the same write.
   */
  private async update(
    username: string,
    actor: AuditActor,
    action: string,
    change: (user: User, enabledAdmins: number) => Record<string, unknown>,
  ): Promise<UserDto> {
    const { user, stale } = await this.users.manager.transaction(async (manager) => {
      const enabledAdmins = await lockAdmins(manager);
      const loaded = await this.requireUser(manager, username);
      const rightsBefore = rightsOf(loaded);
      const versionBefore = loaded.tokenVersion;
      const details = change(loaded, enabledAdmins);
      if (rightsOf(loaded) !== rightsBefore && loaded.tokenVersion === versionBefore) {
        loaded.tokenVersion += 1;
      }
      loaded.updatedAt = new Date();
      await manager.getRepository(User).save(loaded);
      await this.audit.record({ actor, action, details: { username: loaded.username, ...details } }, manager);
      return { user: loaded, stale: loaded.tokenVersion !== versionBefore };
    });
    if (stale) {
      this.announceTokenStateChange(user.id);
    }
    return toUserDto(user);
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
      throw new InvalidInputError(problems);
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
          repository.create({
            username,
            passwordHash,
            role,
            permissions: [],
            disabled: false,
            tokenVersion: 1,
            createdAt: now,
            updatedAt: now,
          }),
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

  private announceTokenStateChange(userId: number): void {
    this.tokenStateListeners.forEach((listener) => listener(userId));
  }

  private async requireUser(manager: EntityManager, username: string): Promise<User> {
    const user = await this.lookup(manager, username, true);
    if (!user) {
      throw userNotFound(username);
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

/**
 * Locks the admin rows and counts the enabled ones. Every change takes this lock first, always in
 * the same order: concurrent changes then queue instead of deadlocking, and the count is current,
 * so two admins demoting (or disabling, or deleting) each other at once cannot both see "another
 * admin is left".
 */
async function lockAdmins(manager: EntityManager): Promise<number> {
  const admins = await withRowLock(
    manager,
    manager.getRepository(User).createQueryBuilder('u').where('u.role = :role', { role: 'admin' }),
  ).getMany();
  return admins.filter((admin) => !admin.disabled).length;
}

function refuseToRemoveLastAdmin(user: User, enabledAdmins: number, what: string): void {
  if (user.role === 'admin' && !user.disabled && enabledAdmins <= 1) {
    throw new ConflictError(
      `"${user.username}" is the only admin (disabled admins do not count) and cannot be ${what}: ` +
        'promote another user first',
    );
  }
}

/** What a token vouches for: when any of it changes, tokens issued before must not be trusted. */
function rightsOf(user: User): string {
  return JSON.stringify([user.role, [...user.permissions].sort(), user.disabled, user.passwordHash]);
}

/** SELECT … FOR UPDATE on MySQL/MariaDB; SQLite has no row locks, and its transactions already serialize writers. */
function withRowLock<T extends ObjectLiteral>(
  manager: EntityManager,
  query: SelectQueryBuilder<T>,
): SelectQueryBuilder<T> {
  return manager.connection.options.type === 'mysql' ? query.setLock('pessimistic_write') : query;
}

function userNotFound(username: string): NotFoundError {
  return new NotFoundError(`No user named "${username}"`);
}

function usernameTaken(username: string): ConflictError {
  return new ConflictError(`Username "${username}" is already taken`);
}

export function toUserDto(user: Pick<User, 'id' | 'username' | 'role' | 'permissions' | 'disabled'>): UserDto {
  return {
    id: user.id,
    username: user.username,
    role: user.role,
    permissions: [...user.permissions],
    disabled: Boolean(user.disabled),
  };
}
