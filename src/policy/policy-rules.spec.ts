import { TableSchema } from '../database/schema/table-schema';
import { policyProblems } from './policy-rules';

const orders: TableSchema = {
  name: 'orders',
  columns: [
    {
      name: 'id',
      columnType: 'bigint',
      dataType: 'bigint',
      nullable: false,
      charset: null,
      collation: null,
      generated: false,
    },
    {
      name: 'status',
      columnType: 'varchar(16)',
      dataType: 'varchar',
      nullable: true,
      charset: 'utf8mb4',
      collation: null,
      generated: false,
    },
    {
      name: 'created_at',
      columnType: 'datetime(6)',
      dataType: 'datetime',
      nullable: true,
      charset: null,
      collation: null,
      generated: false,
    },
  ],
  primaryKey: ['id'],
  indexes: [],
};
const valid = {
  tableName: 'orders',
  dateColumn: 'created_at',
  archiveAfterDays: 30,
  deleteAfterDays: 90,
  criteria: [],
};

describe('policyProblems', () => {
  it('accepts a valid policy', () => {
    expect(policyProblems(valid, orders)).toEqual([]);
  });

  it('refuses a primary key of approximate numbers, which cannot be paged exactly', () => {
    const floatKeyed: TableSchema = {
      ...orders,
      columns: orders.columns.map((column) =>
        column.name === 'id' ? { ...column, columnType: 'double', dataType: 'double' } : column,
      ),
    };
    expect(policyProblems(valid, floatKeyed)).toEqual([
      'the primary key of "orders" has approximate (FLOAT/DOUBLE) columns (id): their values cannot be read back exactly, so batches cannot resume after them',
    ]);
  });

  it('reports every problem at once, each naming what to fix', () => {
    const problems = policyProblems(
      {
        ...valid,
        dateColumn: 'status',
        deleteAfterDays: 10,
        criteria: [
          { column: 'nope', op: '=', value: 1 },
          { column: 'status', op: 'in', value: 'paid' },
        ],
      },
      { ...orders, primaryKey: [] },
    );
    expect(problems).toEqual([
      expect.stringMatching(/has no primary key/),
      expect.stringMatching(/dateColumn "status" has type varchar\(16\)/),
      expect.stringMatching(/deleteAfterDays \(10\) must be greater than archiveAfterDays \(30\)/),
      expect.stringMatching(/criteria\[0\]\.column "nope" is not a column/),
      expect.stringMatching(/criteria\[1\]: "in" needs a list/),
    ]);
  });

  it('refuses a table whose columns collide with the archive bookkeeping columns', () => {
    const table = { ...orders, columns: [...orders.columns, { ...orders.columns[1], name: 'archived_at' }] };
    expect(policyProblems(valid, table)).toEqual([expect.stringMatching(/"archived_at", which DAS reserves/)]);
  });

  it('reports a missing table only', () => {
    expect(policyProblems(valid, null)).toEqual(['table "orders" does not exist in the source database']);
  });
});
