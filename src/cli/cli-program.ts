import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Command } from 'commander';
import { InjectCommander } from 'nest-commander';
import { EXIT_CODES_HELP } from './exit-codes';

/**
 * Finishes the commander program nest-commander built from the commands: name, help, and usage
 * errors that reach cli.ts instead of exiting the process. nest-commander only overrides the
 * root's exit; a subcommand's own error (a missing argument) would call process.exit(1) itself.
 */
@Injectable()
export class CliProgram implements OnApplicationBootstrap {
  constructor(@InjectCommander() private readonly program: Command) {}

  /** After onModuleInit, where nest-commander adds the commands. */
  onApplicationBootstrap(): void {
    this.program
      .name('cli')
      .usage('<command> [options]   (npm run cli -- <command>; in the image: node dist/cli.js <command>)')
      .description('DAS admin commands, on the databases configured by the environment (or .env)')
      .addHelpText('after', EXIT_CODES_HELP);
    for (const command of [this.program, ...this.program.commands]) {
      command
        .exitOverride((error) => {
          throw error;
        })
        .showHelpAfterError('(add --help for usage)');
      if (command !== this.program) {
        command.allowExcessArguments(false);
      }
    }
  }
}
