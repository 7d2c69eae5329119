import { MysqlDialect } from '../../database/dialect/mysql-dialect';
import { selectionPredicate } from './row-selection';

describe('selectionPredicate', () => {
  it('ANDs the date cutoff with every criterion and binds all values', () => {
    const fragment = selectionPredicate(new MysqlDialect(), 'created_at', '2025-01-01 00:00:00.000000', [
      { column: 'status', op: 'in', value: ['paid', 'shipped'] },
      { column: 'deleted', op: '=', value: true },
      { column: 'note', op: 'is not null' },
      { column: 'region', op: '!=', value: "x' OR 1=1 --" },
    ]);
    expect(fragment.sql).toBe(
      '(`created_at` < ?) AND (`status` IN (?, ?)) AND (`deleted` = ?) AND (`note` IS NOT NULL) AND (`region` <> ?)',
    );
    expect(fragment.params).toEqual(['2025-01-01 00:00:00.000000', 'paid', 'shipped', 1, "x' OR 1=1 --"]);
  });
});
