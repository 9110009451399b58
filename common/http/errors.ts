// Errors the API answers with a 4xx (or a 503 when a dependency is down). Anything else is a
// 500 whose details stay in the log.
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
export const badRequest = (msg: string) => new HttpError(400, msg);
export const forbidden = (msg: string) => new HttpError(403, msg);
export const notFound = (msg: string) => new HttpError(404, msg);
export const serviceUnavailable = (msg: string) => new HttpError(503, msg);
