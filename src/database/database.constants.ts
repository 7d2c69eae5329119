/** Names of the three TypeORM data sources; use these with forRootAsync, forFeature and @InjectDataSource. */
export const CONTROL_DB = 'control';
export const SOURCE_DB = 'source';
export const ARCHIVE_DB = 'archive';

/** The data sources that hold user tables (as opposed to DAS's own control tables). */
export type DataConnectionName = typeof SOURCE_DB | typeof ARCHIVE_DB;
