-- Rows in each CSV file of the data directory ($files, with the table each belongs to in $tables).
with

inventory as (
    select
        unnest($files) as source_path,
        unnest($tables) as table_name,
),

rows_read as (
    select filename from read_csv($files, header = true, all_varchar = true, union_by_name = true, filename = true)
),

counts as (
    select
        filename as source_path,
        count(*) as n_rows,
    from rows_read
    group by filename
),

final as (
    select
        i.table_name,
        i.source_path,
        coalesce(c.n_rows, 0) as n_rows,
    from inventory as i
    left join counts as c on c.source_path = i.source_path
)

select * from final
