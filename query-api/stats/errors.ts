// The statistics module reports bad input as StatsInputError; over HTTP that is a 400 with the
// module's message, which names the argument and says what to change.
import { badRequest } from '../../common/http/errors.ts';
import { StatsInputError } from '../engines/statistics/index.ts';

export async function asBadRequest<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof StatsInputError) throw badRequest(err.message);
    throw err;
  }
}
