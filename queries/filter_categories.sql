-- Technology categories to offer in the category filter.
select
    category_id,
    name_en,
    coalesce(name_zh, name_en) as name_zh,
from technologies
order by category_id
