import { ConflictError, NotFoundError } from '../common/domain-error';
import { JobAlreadyRunningError, ShuttingDownError } from '../scheduler/execution/job-errors';
import { EXIT, exitCodeOf } from './exit-codes';

describe('exitCodeOf: the CLI edge of domain errors', () => {
  it.each([
    ['a job already running', new JobAlreadyRunningError('archive of "orders" is already running', 7), EXIT.skipped],
    ['a shutdown', new ShuttingDownError(), EXIT.stopped],
    ['a missing policy', new NotFoundError('no policy for table "orders"'), EXIT.usage],
    ['another conflict', new ConflictError('taken'), EXIT.failed],
  ])('maps %s to its exit code', (_, error, code) => {
    expect(exitCodeOf(error)).toBe(code);
  });
});
