import { SqlSession } from '../src/database/sql-client';
import { useEngineDatabases } from './support/engine-databases';
import { EngineClients } from './support/engine-fixtures';
import { TestDatabases, describeMariaDb } from './support/test-databases';

/**
 * The MySQL/MariaDB session opens transactions without START TRANSACTION (autocommit off between
 * begin() and commit()): what a transaction commits, and what a statement outside one does, must be
 * exactly as with explicit transactions, and no pooled connection may keep autocommit off.
 */
describeMariaDb('MySQL session transactions [mariadb]', () => {
  let databases: TestDatabases;
  let clients: EngineClients;
  useEngineDatabases('mysql', (opened) => ({ databases, clients } = opened));

  const committedIds = async () =>
    (await databases.source<{ id: number }>('SELECT id FROM session_rows ORDER BY id')).map((row) => Number(row.id));
  const insert = (session: SqlSession, id: number) => session.execute('INSERT INTO session_rows (id) VALUES (?)', [id]);

  beforeEach(async () => {
    await databases.source('DROP TABLE IF EXISTS session_rows');
    await databases.source('CREATE TABLE session_rows (id INT PRIMARY KEY) ENGINE=InnoDB');
  });

  it('commits or rolls back each transaction as a whole, back to back, and runs a statement between them on its own', async () => {
    const seen: number[][] = [];
    await clients.source.withSession(async (session) => {
      await session.begin();
      await insert(session, 1);
      seen.push(await committedIds()); // not committed yet: invisible to another connection
      await session.commit();
      seen.push(await committedIds());

      await session.begin();
      await insert(session, 2);
      await session.rollback();

      await session.begin();
      await insert(session, 3);
      await session.commit();

      await insert(session, 4); // outside any transaction: committed by itself, at once
      seen.push(await committedIds());
    });

    expect(seen).toEqual([[], [1], [1, 3, 4]]);
  });

  it('hands the connection back to the pool with autocommit on and nothing committed, after a failed transaction', async () => {
    const first = await clients.source
      .withSession(async (session) => {
        const [{ id }] = await session.query<{ id: number }>('SELECT CONNECTION_ID() AS id');
        await session.begin();
        await insert(session, 5);
        throw new Error(`work failed on connection ${id}`);
      })
      .catch((error: Error) => Number(/connection (\d+)/.exec(error.message)?.[1]));

    const next = await clients.source.withSession(async (session) => {
      const [state] = await session.query<{ id: number; autocommit: number }>(
        'SELECT CONNECTION_ID() AS id, @@autocommit AS autocommit',
      );
      return { id: Number(state.id), autocommit: Number(state.autocommit) };
    });

    expect(next).toEqual({ id: first, autocommit: 1 });
    expect(await committedIds()).toEqual([]);
  });

  it('still refuses to begin a transaction inside an open one', async () => {
    await clients.source.withSession(async (session) => {
      await session.begin();
      await insert(session, 6);
      await expect(session.begin()).rejects.toThrow(/already open/);
      await session.commit();
    });

    expect(await committedIds()).toEqual([6]);
  });
});
