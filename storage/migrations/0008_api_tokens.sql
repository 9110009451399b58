-- API tokens (see common/tokens/). One row per token version, keyed by the public token id:
-- creation writes version 1, revocation writes the same row again with revoked_at_ms set and
-- version 2, and ReplacingMergeTree(version) keeps the revoked row, so readers using FINAL
-- see a revocation as soon as its INSERT returns. Every version of a token carries the same
-- hash, so a filter on any column selects whole tokens. Only the SHA-256 of the token is
-- stored, never the plaintext.
CREATE TABLE IF NOT EXISTS {database}.api_tokens
(
    token_id String,
    project String,
    name String,
    scopes Array(String),
    token_sha256 String,
    created_at_ms UInt64,
    revoked_at_ms UInt64,
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY token_id;
