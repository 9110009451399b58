// The only place that turns values into SQL text. ClickHouse 18.16 has no server-side query
// parameters, so every literal is escaped here and every identifier is checked against an
// allowlist. Never build SQL from user input any other way.

export class SqlInputError extends Error {
  override name = 'SqlInputError';
}

/** A ClickHouse string literal: backslash first, then the quote; control bytes escaped too. */
export function quoteString(value: string): string {
  let out = "'";
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    const code = value.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code === 0) out += '\\0';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out + "'";
}

export function quoteNumber(value: number): string {
  if (!Number.isFinite(value)) throw new SqlInputError(`not a finite number: ${value}`);
  // Exponent form is valid ClickHouse; toString keeps full double precision.
  return String(value);
}

export function quoteInteger(value: number): string {
  if (!Number.isSafeInteger(value)) throw new SqlInputError(`not a safe integer: ${value}`);
  return String(value);
}

export function quoteStringList(values: readonly string[]): string {
  if (values.length === 0) throw new SqlInputError('empty list');
  return values.map(quoteString).join(', ');
}

/** Maps a public name to a column expression; names outside the allowlist are rejected. */
export function identifier<T extends string>(name: string, allowlist: Readonly<Record<T, string>>): string {
  if (!Object.prototype.hasOwnProperty.call(allowlist, name)) {
    throw new SqlInputError(`unknown field "${name}"; expected one of: ${Object.keys(allowlist).join(', ')}`);
  }
  return allowlist[name as T];
}

const SAFE_IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Identifiers that come from configuration (database names), never from requests. */
export function configIdentifier(name: string): string {
  if (!SAFE_IDENT.test(name)) throw new SqlInputError(`invalid identifier "${name}"`);
  return name;
}
