-- INNOVISITS_ENGINE=httpfs: the data directory may be on object storage (INNOVISITS_DATA_DIR=s3://bucket/prefix).
-- Credentials come from the usual AWS chain (AWS_* environment variables, ~/.aws, the machine's role) through
-- the aws extension. `install` downloads an extension only the first time (it is kept in ~/.duckdb).
install httpfs;
load httpfs;
install aws;
load aws;
create or replace secret innovisits_s3 (type s3, provider credential_chain);
