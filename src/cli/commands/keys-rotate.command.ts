import { Command, CommandRunner, Help } from 'nest-commander';
import { DataSource } from 'typeorm';
import { AppConfig, encryptionKeyProblem } from '../../config/app-config';
import { rotateEncryptionKey } from '../../connections/key-rotation';
import { controlDataSourceOptions } from '../../database/data-source-options';
import { learnSecret } from '../../logging/secret-scrubber';
import { CliUsageError } from '../exit-codes';
import { printLine } from '../output';
import { readSecrets } from '../secret-input';

@Command({
  name: 'keys:rotate',
  description:
    're-encrypt every stored connection password under a new key, in one transaction ' +
    '(old key: ENCRYPTION_KEY, new key: NEW_ENCRYPTION_KEY; either from stdin when unset)',
})
export class KeysRotateCommand extends CommandRunner {
  constructor(private readonly config: AppConfig) {
    super();
  }

  /**
   * Only the control database, opened here: the services' start-up key check would refuse the old
   * key once half the fleet has the new one, and source or archive need not be reachable.
   */
  async run(): Promise<void> {
    const [oldKey, newKey] = await this.keys();
    const control = await new DataSource(controlDataSourceOptions(this.config.controlDb)).initialize();
    try {
      const rotation = await rotateEncryptionKey(control, oldKey, newKey, 'cli');
      const names = (list: string[]) => (list.length === 0 ? '' : `: ${list.join(', ')}`);
      printLine(
        `re-encrypted ${rotation.rotated.length} connection password(s) from key id ${rotation.fromKeyId} ` +
          `to key id ${rotation.toKeyId}${names(rotation.rotated)}`,
      );
      if (rotation.alreadyRotated.length > 0) {
        printLine(`already under the new key${names(rotation.alreadyRotated)}`);
      }
      printLine('now set ENCRYPTION_KEY to the new key and restart every DAS process (service and CLI)');
    } finally {
      await control.destroy();
    }
  }

  /** From the environment, else stdin: the old key first, then the new one. */
  private async keys(): Promise<[Buffer, Buffer]> {
    const missing = [
      ...(this.config.encryptionKey ? [] : ['Current key (ENCRYPTION_KEY): ']),
      ...(this.config.newEncryptionKey ? [] : ['New key (NEW_ENCRYPTION_KEY): ']),
    ];
    const typed = missing.length > 0 ? await readSecrets(missing) : [];
    const key = (given: Buffer | null, variable: string): Buffer => {
      if (given) {
        return given;
      }
      const raw = (typed.shift() ?? '').trim();
      learnSecret(raw);
      const problem = encryptionKeyProblem(raw);
      if (problem !== null) {
        throw new CliUsageError(`${variable} (from stdin) ${problem}`);
      }
      return Buffer.from(raw, 'base64');
    };
    return [key(this.config.encryptionKey, 'ENCRYPTION_KEY'), key(this.config.newEncryptionKey, 'NEW_ENCRYPTION_KEY')];
  }

  @Help('after')
  examples(): string {
    return `
Stop using the old key everywhere afterwards: the service and the CLI check at start that
ENCRYPTION_KEY decrypts every stored password. Run it again if a password was changed
in between (what is already under the new key is left as it is).

Examples:
  NEW=$(openssl rand -base64 32)
  printf '%s\\n' "$NEW" | ENCRYPTION_KEY="$OLD" npm run cli -- keys:rotate
  printf '%s\\n%s\\n' "$OLD" "$NEW" | npm run cli -- keys:rotate`;
  }
}
