import { AppConfig, ConfigValidationError } from './app-config';
import { loadAppConfigFromEnvironment } from './environment';

/** For entry points: a bad configuration ends the process with a message naming each variable. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadAppConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`DAS cannot start. ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
