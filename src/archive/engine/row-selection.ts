import { SqlDialect } from '../../database/dialect/sql-dialect';
import type { Criterion } from '../../policy/criteria';

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * The rows a policy selects: `dateColumn < cutoff` (which never matches NULL dates) AND every
 * criterion. Identifiers must come from the live schema (validated by policyProblems); values are
 * only ever bound.
 */
export function selectionPredicate(
  dialect: SqlDialect,
  dateColumn: string,
  cutoff: string,
  criteria: readonly Criterion[],
): SqlFragment {
  const parts = [`${dialect.quoteIdentifier(dateColumn)} < ?`];
  const params: unknown[] = [cutoff];
  for (const criterion of criteria) {
    const column = dialect.quoteIdentifier(criterion.column);
    const value = criterion.value;
    switch (criterion.op) {
      case 'is null':
        parts.push(`${column} IS NULL`);
        break;
      case 'is not null':
        parts.push(`${column} IS NOT NULL`);
        break;
      case 'in':
      case 'not in': {
        const list = value as Array<string | number>;
        parts.push(`${column} ${criterion.op === 'in' ? 'IN' : 'NOT IN'} (${list.map(() => '?').join(', ')})`);
        params.push(...list);
        break;
      }
      case '=':
      case '<':
      case '<=':
      case '>':
      case '>=':
        parts.push(`${column} ${criterion.op} ?`);
        params.push(bindable(value));
        break;
      case '!=':
        parts.push(`${column} <> ?`);
        params.push(bindable(value));
        break;
    }
  }
  return { sql: parts.map((part) => `(${part})`).join(' AND '), params };
}

function bindable(value: Criterion['value']): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}
