import { forgetServer } from './mariadb-test-server';

export default async function globalTeardown(): Promise<void> {
  await forgetServer()?.stop();
}
