import { ApiIdProperty } from '../../openapi/integer-properties';

/** Answer of POST /policies/{tableName}/run: the run proceeds in the background; poll GET /runs/{runId}. */
export class RunStartedDto {
  @ApiIdProperty(1)
  runId: number;
}
