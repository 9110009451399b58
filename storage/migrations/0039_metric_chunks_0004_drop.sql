-- The metric_chunks of 0004, copied by 0037 and replaced by 0038.
DROP TABLE IF EXISTS {database}.metric_chunks_0004
