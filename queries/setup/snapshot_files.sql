-- What a snapshot file was built from: the data files ($files: name, size, modified_ns) and the setup
-- ($setup_key), so the next version can be brought up to date from it (see Store._update).
create or replace table snapshot_files as
select
    unnest($files, recursive := true),
    $setup_key as setup_key,
