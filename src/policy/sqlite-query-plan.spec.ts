import { readsThroughIndex } from './sqlite-query-plan';

describe('readsThroughIndex (SQLite EXPLAIN QUERY PLAN lines)', () => {
  it.each([
    'SEARCH main.orders USING INTEGER PRIMARY KEY (rowid>?)',
    'SEARCH main.orders USING INDEX idx_orders_created_at (created_at<?)',
    'SCAN main.events USING INDEX sqlite_autoindex_events_1',
    'SCAN main.events USING COVERING INDEX idx_events_key',
  ])('counts %p as reading through an index', (line) => {
    expect(readsThroughIndex(line)).toBe(true);
  });

  it.each(['SCAN main.orders', 'SCAN orders', 'USE TEMP B-TREE FOR ORDER BY'])(
    'counts %p as a full scan or a sort',
    (line) => {
      expect(readsThroughIndex(line)).toBe(false);
    },
  );
});
