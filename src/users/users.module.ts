import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { PolicyModule } from '../policy/policy.module';
import { User } from './entities/user.entity';
import { GrantableTables } from './grantable-tables';
import { PasswordHasher } from './password-hasher';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Admin management of users; UsersService is also what the CLI's user commands call. */
@Module({
  imports: [TypeOrmModule.forFeature([User], CONTROL_DB), PolicyModule],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, GrantableTables],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
