import { describe, expect, it } from 'vitest';
import { asQueryLimitError, classifyStorageError, clickhouseErrorCode, QueryLimitError, StorageRejectedError, StorageUnavailableError } from './clickhouse.ts';

const limits = { timeoutSeconds: 15, maxResultRows: 1000, maxMemoryBytes: 4e9 };

describe('ClickHouse error mapping', () => {
  it('reads the code from 18.16-style errors, which the client leaves unparsed', () => {
    const e = new Error('Code: 396, e.displayText() = DB::Exception: Limit for result exceeded, max rows: 3.00, e.what() = DB::Exception');
    expect(clickhouseErrorCode(e)).toBe('396');
    expect(clickhouseErrorCode(new Error('Code: 159. DB::Exception: Timeout exceeded'))).toBe('159');
    expect(clickhouseErrorCode(new Error('socket hang up'))).toBeUndefined();
  });

  it('maps limit codes to a QueryLimitError naming the limit', () => {
    const e = asQueryLimitError(new Error('Code: 159, e.displayText() = DB::Exception: Timeout exceeded'), limits);
    expect(e).toBeInstanceOf(QueryLimitError);
    expect((e as Error).message).toMatch(/15 s limit \(RUNLENS_QUERY_TIMEOUT_S\)/);
    const other = new Error('Code: 60, e.displayText() = DB::Exception: Table doesn\'t exist');
    expect(asQueryLimitError(other, limits)).toBe(other);
  });

  it('maps a query too deep or too big to parse to a QueryLimitError that says what to change', () => {
    const deep = asQueryLimitError(new Error('Code: 167, e.displayText() = DB::Exception: AST is too deep. Maximum: 1000'), limits);
    expect(deep).toBeInstanceOf(QueryLimitError);
    expect((deep as Error).message).toMatch(/max_ast_depth; use fewer conditions in the filter/);
    const big = asQueryLimitError(new Error('Code: 168. DB::Exception: AST is too big. Maximum: 50000'), limits);
    expect((big as Error).message).toMatch(/max_ast_elements; use fewer conditions/);
  });

  it('classifies storage errors for retries: bad SQL is permanent, the rest may heal', () => {
    expect(classifyStorageError(new Error('Code: 60, e.displayText() = DB::Exception: Table x doesn\'t exist'))).toBeInstanceOf(StorageRejectedError);
    expect(classifyStorageError(new Error('connect ECONNREFUSED 127.0.0.1:8123'))).toBeInstanceOf(StorageUnavailableError);
    expect(classifyStorageError(new Error('Code: 241, e.displayText() = DB::Exception: Memory limit exceeded'))).toBeInstanceOf(StorageUnavailableError);
    // Classifying twice keeps the class, though a current server's message has no code to read.
    const rejected = new StorageRejectedError("Table x doesn't exist");
    expect(classifyStorageError(rejected)).toBe(rejected);
  });
});
