import { SessionOptions, SqlClient, SqlSession } from './sql-client';

/** Per client: the group acquisition in progress; the next one starts when it has all its sessions. */
const acquisitions = new WeakMap<SqlClient, Promise<void>>();

/**
 * Runs `work` on `count` sessions of `client` at once (at most `client.maxSessions`), all released
 * when it is done. Groups of one client are acquired one at a time: runs that each take several
 * connections of one pool would otherwise deadlock, each holding some and waiting for more (four
 * runs holding two of the three they need, in a pool of eight). A group waits only for sessions
 * held by groups that already have all of theirs, and those finish without asking for more.
 */
export async function withSessionGroup<T>(
  client: SqlClient,
  count: number,
  work: (sessions: SqlSession[]) => Promise<T>,
  options: SessionOptions = {},
): Promise<T> {
  if (!Number.isInteger(count) || count < 1 || count > client.maxSessions) {
    throw new Error(`${client.name}: cannot hold ${count} sessions at once (at most ${client.maxSessions})`);
  }
  const previous = acquisitions.get(client) ?? Promise.resolve();
  let acquired!: () => void;
  const ours = new Promise<void>((resolve) => (acquired = resolve));
  acquisitions.set(
    client,
    previous.then(() => ours),
  );
  const open = (sessions: SqlSession[]): Promise<T> => {
    if (sessions.length === count) {
      acquired();
      return work(sessions);
    }
    return client.withSession((session) => open([...sessions, session]), options);
  };
  try {
    await previous;
    return await open([]);
  } finally {
    // Also when opening a session failed: the next group must not wait for ever.
    acquired();
  }
}
