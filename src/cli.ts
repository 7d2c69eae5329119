import { CommandFactory } from 'nest-commander';
import { CliLogger } from './cli/cli-logger';
import { CliModule } from './cli/cli.module';
import { EXIT, exitCodeOf, isCommanderExit, messageOf } from './cli/exit-codes';
import { printProblem } from './cli/output';
import { loadConfigOrExit } from './config/load-config-or-exit';

/**
 * Admin CLI: `npm run cli -- <command>`, or `node dist/cli.js <command>` in the image.
 * Commands set process.exitCode; a thrown error is printed here (commander already printed its
 * own usage errors) and mapped to an exit code (see exit-codes.ts).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = new CliLogger(config);
  await CommandFactory.run(CliModule.register(config), {
    logger,
    abortOnError: false,
    serviceErrorHandler: (error: Error) => {
      process.exitCode = exitCodeOf(error);
      if (!isCommanderExit(error)) {
        printProblem(logger.redact(`error: ${messageOf(error)}`));
        if (logger.debugging && error.stack) {
          printProblem(logger.redact(error.stack));
        }
      }
    },
  });
}

main().then(
  // Everything the command opened is closed by now. Exiting explicitly all the same: when the
  // services fail to start half-way (one database reachable, another not), Nest cannot close the
  // connections it already opened, and a CLI run by cron must not hang on them.
  () => process.exit(process.exitCode ?? EXIT.ok),
  (error: unknown) => {
    printProblem(`error: ${messageOf(error)}`);
    process.exit(EXIT.failed);
  },
);
