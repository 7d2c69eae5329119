import { TableSchema, findColumn, isDateColumn } from '../database/schema/table-schema';
import { CRITERION_OPERATORS, Criterion } from './criteria';

/** Columns DAS adds to every archive table; a source table may not have columns of these names. */
export const ARCHIVE_META_COLUMNS = ['archived_at', 'archive_run_id'] as const;

/** Floating-point types: a key of such a column cannot be read back exactly and paged after. */
const APPROXIMATE_TYPES = new Set(['float', 'double', 'real']);

/** Largest `in` / `not in` list accepted in criteria. */
export const MAX_CRITERION_LIST = 1000;

export interface PolicyShape {
  tableName: string;
  dateColumn: string;
  archiveAfterDays: number;
  deleteAfterDays: number;
  criteria: Criterion[];
}

/**
 * Checks a policy against the live source table. Returns the problems, each a sentence that tells
 * the admin what to fix; empty means valid. Used when a policy is saved and again before each run,
 * since the schema can change in between.
 */
export function policyProblems(policy: PolicyShape, table: TableSchema | null): string[] {
  if (!table) {
    return [`table "${policy.tableName}" does not exist in the source database`];
  }
  const problems: string[] = [];
  if (table.primaryKey.length === 0) {
    problems.push(
      `table "${policy.tableName}" has no primary key; DAS needs one to copy and delete exactly the same rows`,
    );
  }
  const approximateKeys = table.primaryKey.filter((name) =>
    APPROXIMATE_TYPES.has(findColumn(table, name)?.dataType ?? ''),
  );
  if (approximateKeys.length > 0) {
    problems.push(
      `the primary key of "${policy.tableName}" has approximate (FLOAT/DOUBLE) columns ` +
        `(${approximateKeys.join(', ')}): their values cannot be read back exactly, so batches cannot resume after them`,
    );
  }
  const dateColumn = findColumn(table, policy.dateColumn);
  if (!dateColumn) {
    problems.push(`dateColumn "${policy.dateColumn}" is not a column of table "${policy.tableName}"`);
  } else if (!isDateColumn(dateColumn)) {
    problems.push(
      `dateColumn "${policy.dateColumn}" has type ${dateColumn.columnType}; it must be a DATE, DATETIME or TIMESTAMP column`,
    );
  }
  if (!(policy.deleteAfterDays > policy.archiveAfterDays)) {
    problems.push(
      `deleteAfterDays (${policy.deleteAfterDays}) must be greater than archiveAfterDays (${policy.archiveAfterDays})`,
    );
  }
  // Parameters are bound by '?' placeholders; a '?' inside an identifier would be taken for one.
  const questionable = [table.name, ...table.columns.map((column) => column.name)].filter((name) => name.includes('?'));
  if (questionable.length > 0) {
    problems.push(`names containing "?" are not supported: ${questionable.map((name) => `"${name}"`).join(', ')}`);
  }
  for (const meta of ARCHIVE_META_COLUMNS) {
    if (findColumn(table, meta)) {
      problems.push(`table "${policy.tableName}" has a column named "${meta}", which DAS reserves in archive tables`);
    }
  }
  policy.criteria.forEach((criterion, index) => problems.push(...criterionProblems(criterion, index, table)));
  return problems;
}

function criterionProblems(criterion: Criterion, index: number, table: TableSchema): string[] {
  const where = `criteria[${index}]`;
  const problems: string[] = [];
  if (!findColumn(table, criterion.column)) {
    problems.push(`${where}.column "${criterion.column}" is not a column of table "${table.name}"`);
  }
  if (!(CRITERION_OPERATORS as readonly string[]).includes(criterion.op)) {
    problems.push(`${where}.op "${criterion.op}" is not one of ${CRITERION_OPERATORS.join(', ')}`);
    return problems;
  }
  const value = criterion.value;
  switch (criterion.op) {
    case 'is null':
    case 'is not null':
      if (value !== undefined && value !== null) {
        problems.push(`${where}: "${criterion.op}" takes no value`);
      }
      break;
    case 'in':
    case 'not in':
      if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CRITERION_LIST) {
        problems.push(`${where}: "${criterion.op}" needs a list of 1 to ${MAX_CRITERION_LIST} values`);
      } else if (!value.every(isScalar)) {
        problems.push(`${where}: the values of "${criterion.op}" must be strings or numbers`);
      }
      break;
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (!isScalar(value) && typeof value !== 'boolean') {
        problems.push(
          `${where}: "${criterion.op}" needs one value (a string, number or boolean); use "is null" for NULL`,
        );
      }
      break;
  }
  return problems;
}

function isScalar(value: unknown): value is string | number {
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}
