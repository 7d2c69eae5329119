import { EngineClients, openEngineClients } from './engine-fixtures';
import { TestDatabases, TestEngine, createTestDatabases } from './test-databases';

/**
 * Fresh databases and engine clients for the enclosing `describe`: created before its tests, closed
 * and dropped after. `receive` gets them once they exist (assign them to the suite's variables).
 */
export function useEngineDatabases(
  engine: TestEngine,
  receive: (opened: { databases: TestDatabases; clients: EngineClients }) => void,
): void {
  let databases: TestDatabases | undefined;
  let clients: EngineClients | undefined;
  beforeAll(async () => {
    databases = await createTestDatabases(engine);
    clients = await openEngineClients(databases);
    receive({ databases, clients });
  });
  afterAll(async () => {
    await clients?.close();
    await databases?.drop();
  });
}
