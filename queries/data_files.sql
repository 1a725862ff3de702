-- The table files of a data directory, local or on object storage (listed through httpfs): <dir>/<table>.csv
-- and .parquet, <dir>/<table>/*.csv and *.parquet, with size and last change (for data_version), in the order
-- the store reads them. Bookkeeping (.innovisits/) and anything deeper never match.
with

blobs as (
    select
        filename,
        size,
        last_modified,
    from read_blob($directory || '/**')
),

named as (
    select
        filename as path,
        filename[length($directory) + 2:] as relative_path,
        size,
        epoch_ns(last_modified) as modified_ns,
    from blobs
),

parsed as (
    select
        *,
        regexp_extract(relative_path, '^([a-z_]+)(/[^/]+)?\.(csv|parquet)$', 1) as table_name,
        regexp_extract(relative_path, '^([a-z_]+)(/[^/]+)?\.(csv|parquet)$', 3) as file_format,
        contains(relative_path, '/') as is_in_folder,
    from named
),

final as (
    select
        table_name,
        file_format,
        path,
        relative_path,
        size,
        modified_ns,
    from parsed
    where list_contains($tables, table_name)
    order by table_name, file_format, is_in_folder, relative_path
)

select * from final
