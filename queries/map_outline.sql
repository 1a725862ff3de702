-- The bundled land outline the map draws (no tiles, no network): points of each part in drawing order.
with

outline as (
    select * from read_csv($path, header = true, columns = {'part': 'integer', 'point': 'integer', 'lon': 'double', 'lat': 'double'})
),

final as (
    select
        part,
        point,
        lon,
        lat,
    from outline
    order by part, point
)

select * from final
