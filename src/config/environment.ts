import { config as loadDotenv } from 'dotenv';
import { AppConfig, buildAppConfig } from './app-config';

/**
 * The one place that reads process.env. A `.env` file in the working directory is read too;
 * variables already set in the environment win over it.
 */
export function loadAppConfigFromEnvironment(): AppConfig {
  loadDotenv({ quiet: true });
  return buildAppConfig(process.env);
}
