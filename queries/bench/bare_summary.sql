-- The bench's bare DuckDB answer to `summary`: visits, delegates (on those visits), their departments and the
-- cities visited, straight from the data files ($visits, $participants: lists of files or globs).
with

visits as (
    select visit_id, city from read_parquet($visits, union_by_name = true)
),

delegates as (
    select p.department
    from read_parquet($participants, union_by_name = true) as p
    semi join visits as v on v.visit_id = p.visit_id
),

final as (
    select
        (select count(*) from visits) as visits,
        (select count(*) from delegates) as delegates,
        (select count(distinct department) from delegates) as departments,
        (select count(distinct city) from visits) as cities,
)

select * from final
