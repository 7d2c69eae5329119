import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConflictError } from '../common/domain-error';
import { AppConfig } from '../config/app-config';
import { USERNAME_PATTERN, USERNAME_RULE } from '../users/credential-rules';
import { UsersService } from '../users/users.service';

export type BootstrapOutcome = 'created' | 'admin-exists' | 'created-elsewhere' | 'name-taken-by-user';

/**
 * ADMIN_USERNAME/ADMIN_PASSWORD: creates that admin at startup when the service has no admin yet.
 * Idempotent, and safe when several replicas boot at once on one control database: the unique
 * username lets exactly one insert win, and the others see its admin.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.bootstrapAdmin) {
      await this.ensureAdmin(this.config.bootstrapAdmin.username, this.config.bootstrapAdmin.password);
    }
  }

  async ensureAdmin(username: string, password: string): Promise<BootstrapOutcome> {
    if (!USERNAME_PATTERN.test(username)) {
      // Fails the boot: a misconfigured admin name should be fixed, not silently skipped.
      throw new Error(`ADMIN_USERNAME is invalid: ${USERNAME_RULE}`);
    }
    if (await this.users.hasAdmin()) {
      return 'admin-exists';
    }
    const existing = await this.users.findByUsername(username);
    if (existing) {
      // Promoting it would hand admin rights to whoever signed up with that name first.
      this.logger.warn(
        `ADMIN_USERNAME "${username}" belongs to an existing non-admin user and no admin exists: ` +
          'not promoting it. Create an admin with `user:create-admin <name>` instead.',
      );
      return 'name-taken-by-user';
    }
    try {
      await this.users.createAdmin(username, password, 'system');
    } catch (error) {
      if (error instanceof ConflictError && (await this.users.findByUsername(username))?.role === 'admin') {
        return 'created-elsewhere';
      }
      throw error;
    }
    this.logger.log(`Created the bootstrap admin "${username}" (from ADMIN_USERNAME/ADMIN_PASSWORD)`);
    return 'created';
  }
}
