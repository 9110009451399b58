// The OpenAPI document served at /docs/json: @fastify/swagger's output from the route schemas,
// made a valid OpenAPI 3.0.3 document and completed with what the route schemas cannot say.
//
// - Route schemas are JSON Schema for ajv (runtime validation); some of their keywords are not
//   OpenAPI 3.0: numeric exclusiveMinimum/exclusiveMaximum (3.0 has minimum + a boolean),
//   tuples (items as an array), const. toOpenApi30 rewrites them in a copy of the document,
//   never in the route schemas, so validation stays as it is.
// - Responses that fastify, Node or a plugin give on any route (400, 401, 403, 413, 414, 415,
//   404, 422, 431, 503) are added to every operation they can come from (sharedResponses).
// - route.config.docs holds documentation-only facts: a request body the handler validates
//   itself (the ingest gateway: reasons per event, Avro bytes) and other media types of a
//   success response (GET /v1/runs streams CSV and NDJSON), which must stay out of fastify's
//   validation and serialization.
// - The wildcard of GET /v1/runs/:id/metrics/* is the path parameter `key` in the document.
//
// query-api/openapi.test.ts validates the document with @apidevtools/swagger-parser;
// test/integration/openapi-fuzz.test.ts runs schemathesis against it and the live API.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { ErrorBody } from './schemas.ts';

type JsonSchema = Record<string, unknown>;

/** Documentation-only facts of a route (route.config.docs); fastify never sees them. */
export interface RouteDocs {
  /** The request body as documented: media type → schema. Not validated by fastify (the handler checks it). */
  body?: { description?: string; content: Record<string, JsonSchema> };
  /** Media types the 200 answer may also have (e.g. text/csv) → schema; application/json stays the route's own schema. */
  alsoProduces?: Record<string, JsonSchema>;
  /** The only media types the 200 answer has (a route that never answers JSON, e.g. a file export) → schema. */
  produces?: { description: string; content: Record<string, JsonSchema> };
  /** The name and description of a trailing `*` wildcard in the document (a path parameter needs a name). */
  wildcard?: { name: string; description: string };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    docs?: RouteDocs;
  }
}

/**
 * Longest path parameter the router takes, in characters as sent (percent-encoded): a 128-character
 * run id of 3-byte UTF-8 characters is 1,152. Longer is a 414 from fastify's router.
 */
export const MAX_PARAM_LENGTH = 1536;

/**
 * Largest request line plus headers Node takes (its default is 16 KiB). A GET /v1/runs with every
 * parameter at its documented maximum is some 22,000 characters of URL before percent-encoding:
 * it must fit. Larger is a 431 from Node.
 */
export const MAX_HEADER_BYTES = 64 * 1024;

const error = (description: string, headers?: Record<string, JsonSchema>): JsonSchema => ({ ...ErrorBody, description, ...(headers ? { headers } : {}) });

const RESPONSES = {
  400: error('The request does not fit this operation: a parameter or body outside its schema, malformed JSON, or a name this project does not hold'),
  401: error('No API token, not "Bearer <token>", or an unknown or revoked token', {
    'www-authenticate': { type: 'string', description: 'Bearer challenge (RFC 6750)' },
  }),
  403: error("The token lacks the operation's scope, or the request names another project than the token's"),
  404: error("A run the request names does not exist in the token's project (or, with a filter, does not match it): the same rule on every route"),
  413: error('The request body is larger than 4 MiB'),
  414: error(`A path parameter is longer than ${MAX_PARAM_LENGTH.toLocaleString('en-US')} characters (percent-encoded)`),
  415: error('Content-Type is not one this operation takes'),
  422: error('The query went over a server limit (rows read, memory or time; RUNLENS_QUERY_MAX_*): narrow the selection'),
  431: error(`The request line (URL) and headers together are larger than ${MAX_HEADER_BYTES / 1024} KiB`),
  503: error('A dependency (ClickHouse, Kafka) cannot be reached right now; retry later', {
    'retry-after': { type: 'string', description: 'Seconds to wait before retrying' },
  }),
} as const;

/** The responses any operation of this shape can give besides its own, by status code. */
function sharedResponses(route: { url: string; config?: { scope?: string; public?: boolean } }, schema: Record<string, unknown>, hasBody: boolean): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = { 431: RESPONSES[431] };
  if (hasBody || schema.querystring || schema.params) out[400] = RESPONSES[400];
  if (hasBody) Object.assign(out, { 413: RESPONSES[413], 415: RESPONSES[415] });
  if (route.url.includes(':') || route.url.includes('*')) out[414] = RESPONSES[414];
  if (route.config?.public !== true) {
    Object.assign(out, { 401: RESPONSES[401], 403: RESPONSES[403], 503: RESPONSES[503] });
    if (route.config?.scope === 'read') out[422] = RESPONSES[422];
    if (route.config?.scope === 'read' && (hasBody || route.url.includes(':'))) out[404] = RESPONSES[404];
  }
  return out;
}

/** @fastify/swagger's per-route transform: shared responses, config.docs, the wildcard's name. */
const transform: NonNullable<FastifyDynamicSwaggerOptions['transform']> = ({ schema, url, route }) => {
  if (!schema || (schema as { hide?: boolean }).hide) return { schema, url };
  const docs = (route.config as { docs?: RouteDocs } | undefined)?.docs;
  const own = schema as Record<string, unknown>;
  const next: Record<string, unknown> = { ...own };
  if (docs?.body) next.body = { description: docs.body.description, content: Object.fromEntries(Object.entries(docs.body.content).map(([type, s]) => [type, { schema: s }])) };

  const response: Record<string, unknown> = { ...((own.response as Record<string, unknown> | undefined) ?? {}) };
  for (const [code, shared] of Object.entries(sharedResponses(route as never, own, next.body !== undefined))) {
    const mine = response[code] as JsonSchema | undefined;
    // The route's own schema wins; the shared description and headers still apply.
    response[code] = mine ? { ...mine, description: mine.description ?? shared.description, ...(shared.headers ? { headers: shared.headers } : {}) } : shared;
  }
  if (docs?.produces) response[200] = { description: docs.produces.description, content: Object.fromEntries(Object.entries(docs.produces.content).map(([type, s]) => [type, { schema: s }])) };
  if (docs?.alsoProduces && response[200]) {
    const json = response[200] as JsonSchema;
    response[200] = {
      description: json.description ?? 'Default Response',
      content: { 'application/json': { schema: json }, ...Object.fromEntries(Object.entries(docs.alsoProduces).map(([type, s]) => [type, { schema: s }])) },
    };
  }
  next.response = response;
  // A public operation (config.public) takes no token: say so where clients look.
  if ((route.config as { public?: boolean } | undefined)?.public === true) next.security = [];

  let docUrl = url;
  if (docs?.wildcard && url.endsWith('*')) {
    const { name, description } = docs.wildcard;
    docUrl = `${url.slice(0, -1)}:${name}`;
    const params = own.params as { properties: Record<string, JsonSchema>; required?: string[] } & JsonSchema;
    const { '*': star, ...rest } = params.properties;
    next.params = { ...params, properties: { ...rest, [name]: { ...star, description } }, required: [...(params.required ?? []).filter((p) => p !== '*'), name] };
  }
  return { schema: next as typeof schema, url: docUrl };
};

/** Whether an operation of the document takes no token (security: [], set for config.public routes). */
export const isPublicOperation = (operation: unknown): boolean => Array.isArray((operation as { security?: unknown } | null)?.security) && (operation as { security: unknown[] }).security.length === 0;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rewrites the JSON Schema keywords of `node` (and everything below) that OpenAPI 3.0 lacks into
 * their 3.0 forms, in place. It may walk the whole document: only schema objects hold these
 * keywords with such values, and the maps of property names are walked as maps (a property
 * may be called `items` or `const`).
 */
export function toOpenApi30(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) toOpenApi30(item);
    return;
  }
  if (!isRecord(node)) return;
  for (const [bound, plain] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']] as const) {
    const exclusive = node[bound];
    if (typeof exclusive !== 'number') continue;
    const inclusive = node[plain];
    const lower = bound === 'exclusiveMinimum';
    // Both may be present in JSON Schema; the stricter bound decides.
    if (typeof inclusive === 'number' && (lower ? inclusive > exclusive : inclusive < exclusive)) delete node[bound];
    else {
      node[plain] = exclusive;
      node[bound] = true;
    }
  }
  if (Array.isArray(node.items)) {
    // A tuple: 3.0 has no positional items, so any of the members, at the tuple's length (minItems/maxItems).
    const members = node.items as unknown[];
    const distinct = members.filter((m, i) => members.findIndex((o) => JSON.stringify(o) === JSON.stringify(m)) === i);
    node.items = distinct.length === 1 ? distinct[0] : { anyOf: distinct };
    node.minItems ??= members.length;
    if (node.additionalItems === false) node.maxItems ??= members.length;
  }
  delete node.additionalItems;
  if ('const' in node && !isRecord(node.const)) {
    node.enum = [node.const];
    delete node.const;
  }
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key) && isRecord(value)) for (const schema of Object.values(value)) toOpenApi30(schema);
    else if (!VALUE_KEYWORDS.has(key)) toOpenApi30(value);
  }
}

/** Name → schema maps, whose keys are names, not keywords. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
/** Values, not schemas: an example or default may hold anything. */
const VALUE_KEYWORDS = new Set(['enum', 'default', 'example', 'examples']);

export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.0.3',
    info: {
      title: 'runlens query API',
      version: '1',
      description:
        'Cross-run comparison of ML training runs. Every operation but the probes needs `Authorization: Bearer <token>`. ' +
        'A method a path does not have is a 405 with an `Allow` header naming those it has; an unknown path is a 404 (a 401 without a valid token).',
    },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API token from `runlens token create`' } } },
    security: [{ bearer: [] }],
  },
  transform,
  transformObject: (documentObject) => {
    // `openapi` is set above, so this is an OpenAPI document, never a Swagger 2.0 one.
    // A copy: parts of the generated document may still be the route schemas themselves.
    const doc = structuredClone((documentObject as { openapiObject: Record<string, unknown> }).openapiObject);
    toOpenApi30(doc.paths);
    toOpenApi30(doc.components);
    return doc;
  },
};
