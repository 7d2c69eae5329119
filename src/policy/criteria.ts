/** Policy criteria, kept apart from the entity so the engines load without TypeORM. */
export const CRITERION_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'is null', 'is not null'] as const;
export type CriterionOperator = (typeof CRITERION_OPERATORS)[number];

/** One extra condition of a policy, ANDed with the date cutoff. Values are always bound as parameters. */
export interface Criterion {
  column: string;
  op: CriterionOperator;
  value?: string | number | boolean | null | Array<string | number>;
}
