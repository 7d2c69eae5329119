/** `HH:MM-HH:MM`, 24-hour clock. */
export const RUN_WINDOW_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * A daily time window in UTC, `HH:MM-HH:MM`, start included, end excluded; it may cross midnight
 * (`22:00-04:00`). Equal ends would be an empty window, so they are refused.
 */
export class RunWindow {
  private constructor(
    readonly text: string,
    private readonly start: number,
    private readonly end: number,
  ) {}

  /** The window, or a message saying what is wrong with `text`. */
  static parse(text: string): RunWindow | string {
    const match = RUN_WINDOW_PATTERN.exec(text.trim());
    if (!match) {
      return `"${text}" is not a window like 01:00-05:00 (HH:MM-HH:MM, UTC)`;
    }
    const start = Number(match[1]) * 60 + Number(match[2]);
    const end = Number(match[3]) * 60 + Number(match[4]);
    if (start === end) {
      return `"${text}" is an empty window (start and end are equal)`;
    }
    return new RunWindow(text.trim(), start, end);
  }

  contains(instant: Date): boolean {
    const minute = instant.getUTCHours() * 60 + instant.getUTCMinutes();
    return this.start < this.end
      ? minute >= this.start && minute < this.end
      : minute >= this.start || minute < this.end;
  }
}
