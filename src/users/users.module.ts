import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CONTROL_DB } from '../database/database.constants';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

/** Admin management of users; UsersService is also what the CLI's user commands call. */
@Module({
  imports: [TypeOrmModule.forFeature([User], CONTROL_DB)],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
