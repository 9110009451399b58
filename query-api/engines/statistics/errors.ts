// The one error the statistics module throws for bad input. The API maps it to a 400, so every
// message names the argument and says what to change.
export class StatsInputError extends Error {
  override name = 'StatsInputError';
}
