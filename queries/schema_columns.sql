-- The data model's columns, in order, as declared by setup/schema.sql.
select
    table_name,
    column_name,
    data_type,
    not is_nullable as is_required,
from duckdb_columns()
where database_name = current_database()
    and schema_name = 'main'
order by table_name, column_index
