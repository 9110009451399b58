// Errors of the MLflow-compatible surface (/api/2.0/mlflow/): MLflow's server answers
// `{"error_code": "...", "message": "..."}` with the HTTP status of the code, and MLflow's
// clients read error_code (e.g. RESOURCE_DOES_NOT_EXIST to tell "no such experiment" apart).
// Routes throw these; the surface's error handler writes them out.

export type MlflowErrorCode =
  | 'INVALID_PARAMETER_VALUE'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_CONFLICT'
  | 'PERMISSION_DENIED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL_ERROR'
  | 'BAD_REQUEST'
  | 'MALFORMED_REQUEST'
  | 'TEMPORARILY_UNAVAILABLE';

export class MlflowError extends Error {
  override name = 'MlflowError';
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }

  /** The body MLflow's server answers with. */
  toJSON(): { error_code: MlflowErrorCode; message: string } {
    return { error_code: this.errorCode, message: this.message };
  }
}

/** 400 INVALID_PARAMETER_VALUE: a bad filter, order_by, limit or value. */
export const invalidParameter = (message: string): MlflowError => new MlflowError('INVALID_PARAMETER_VALUE', message, 400);

/** 404 RESOURCE_DOES_NOT_EXIST: an unknown experiment or run (or one of another project). */
export const notFound = (message: string): MlflowError => new MlflowError('RESOURCE_DOES_NOT_EXIST', message, 404);

/** 400 RESOURCE_ALREADY_EXISTS: e.g. an experiment name taken (MLflow answers 400, not 409). */
export const alreadyExists = (message: string): MlflowError => new MlflowError('RESOURCE_ALREADY_EXISTS', message, 400);
