import { IntegerField } from '../../common/integer-fields';

export const DEFAULT_TEST_DELAY_SECONDS = 5;

export class ScheduleTestJobDto {
  /** Seconds until the test job fires (default 5). */
  @IntegerField({ min: 0, max: 3600 }, { optional: true, example: 5 })
  delaySeconds?: number;
}

/** The scheduled test job: listed in GET /system/scheduler/jobs until and after it fires. */
export class TestJobScheduledDto {
  /** @example test-job-1 */
  name: string;
  /**
   * ISO 8601, UTC.
   * @example 2025-03-01T10:00:05.000Z
   */
  runAt: string;
}
