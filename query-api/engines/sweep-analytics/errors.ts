// The one error sweep analytics throws for bad input. The API maps it to a 400, so every message
// names the argument, says what was wrong and what to send instead.
export class AnalyticsInputError extends Error {
  override name = 'AnalyticsInputError';
}
