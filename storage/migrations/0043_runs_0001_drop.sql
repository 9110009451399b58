-- The runs of 0001, copied by 0041 and replaced by 0042.
DROP TABLE IF EXISTS {database}.runs_0001
