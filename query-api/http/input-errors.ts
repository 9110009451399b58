// Errors that mean "the request is wrong", whoever found it: quoting, the filter language, the
// statistics and sweep-analytics engines. Each message names the input and what to change; the
// answer is a 400 with it (MLflow's INVALID_PARAMETER_VALUE on the MLflow surface). Routes let
// them through to the error handlers, which ask here.
import { SqlInputError } from '../../storage/sql-quote.ts';
import { AnalyticsInputError } from '../engines/sweep-analytics/index.ts';
import { StatsInputError } from '../engines/statistics/index.ts';
import { FilterError } from '../filter/errors.ts';

const INPUT_ERRORS = [SqlInputError, FilterError, StatsInputError, AnalyticsInputError];

export const isInputError = (err: unknown): boolean => INPUT_ERRORS.some((kind) => err instanceof kind);
