import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const DEFAULT_TEST_DELAY_SECONDS = 5;

export class ScheduleTestJobDto {
  /**
   * Seconds until the test job fires (0–3600, default 5).
   * @example 5
   */
  @IsOptional()
  @IsInt({ message: 'delaySeconds must be an integer from 0 to 3600' })
  @Min(0, { message: 'delaySeconds must be an integer from 0 to 3600' })
  @Max(3600, { message: 'delaySeconds must be an integer from 0 to 3600' })
  delaySeconds?: number;
}

/** The scheduled test job: listed in GET /system/scheduler/jobs until and after it fires. */
export class TestJobScheduledDto {
  name: string;
  /** ISO 8601, UTC. */
  runAt: string;
}
