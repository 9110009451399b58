// Sizes every runlens HTTP server accepts: the query API and the ingest gateway it hosts.

/** Largest request body: a gateway request of up to 1,000 events, or a JSON query body. Past it: 413. */
export const BODY_LIMIT_BYTES = 4 * 1024 * 1024;
