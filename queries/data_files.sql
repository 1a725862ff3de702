-- The table files of a data directory on object storage, from one listing of its objects ($listing: relative
-- path, size, last change): <dir>/<table>.csv and .parquet, <dir>/<table>/*.csv and *.parquet, with size and
-- last change (for data_version), in the order the store reads them. Bookkeeping (.innovisits/), anything
-- deeper and the $hidden objects (batches the manifest does not name) never match.
with

listed as (
    select unnest($listing, recursive := true)
),

parsed as (
    select
        *,
        regexp_extract(relative_path, '^([a-z_]+)(/[^/]+)?\.(csv|parquet)$', 1) as table_name,
        regexp_extract(relative_path, '^([a-z_]+)(/[^/]+)?\.(csv|parquet)$', 3) as file_format,
        contains(relative_path, '/') as is_in_folder,
    from listed
    where not list_contains($hidden, relative_path)
),

final as (
    select
        table_name,
        file_format,
        $directory || '/' || relative_path as path,
        relative_path,
        size,
        modified_ns,
    from parsed
    where list_contains($tables, table_name)
    order by table_name, file_format, is_in_folder, relative_path
)

select * from final
