-- The run_finishes of 0002, copied by 0045 and replaced by 0046.
DROP TABLE IF EXISTS {database}.run_finishes_0002
