import { IntegerQueryParam } from '../../common/integer-fields';

export const DEFAULT_DASHBOARD_DAYS = 90;
export const MAX_DASHBOARD_DAYS = 366;

export class DashboardQueryDto {
  /** Days of daily totals, today (UTC) included (default 90). */
  @IntegerQueryParam({ min: 1, max: MAX_DASHBOARD_DAYS }, { example: 90 })
  days?: number;
}
