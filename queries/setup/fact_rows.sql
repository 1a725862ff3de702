-- The fact rows of the visits in `facts_scope` (every visit in a full build; the visits an upload touched when
-- a snapshot is brought up to date), replacing any they had. Keys come from the key tables of `facts.sql`.

create or replace temp table scoped_delegations as
select
    v.vk,
    k.dk,
    count(*)::integer as delegates,
from participants as p
inner join visit_keys as v on v.visit_id = p.visit_id
inner join department_keys as k on k.department = p.department
where v.vk in (select vk from facts_scope)
group by all;

create or replace temp table scoped_categories as
select
    v.vk,
    t.tk,
    vt.category_id,
    avg(vt.interest_score) as interest_score,
from visit_technologies as vt
inner join visit_keys as v on v.visit_id = vt.visit_id
inner join category_keys as t on t.category_id = vt.category_id
where v.vk in (select vk from facts_scope)
group by all;

create or replace temp table scoped_category_sets as
select
    v.vk,
    coalesce(c.cmask, 0) as cmask,
    c.shared_tks,
from visit_keys as v
left join (
    select
        vk,
        bit_or(category_bit(tk)) as cmask,
        list(tk order by tk) filter (where tk >= 63) as shared_tks,
    from scoped_categories
    group by vk
) as c on c.vk = v.vk
where v.vk in (select vk from facts_scope);

insert into category_sets
select
    (select coalesce(max(cs), 0) from category_sets) + row_number() over (order by cmask, shared_tks)::integer,
    cmask,
    shared_tks,
from (select distinct cmask, shared_tks from scoped_category_sets) as n
where not exists (
    select 1 from category_sets as s where s.cmask = n.cmask and s.shared_tks is not distinct from n.shared_tks
);

insert into category_set_members
select
    s.cs,
    k.tk,
    k.category_id,
from category_sets as s
inner join category_keys as k
    on (s.cmask & category_bit(k.tk)) != 0 and (k.tk < 63 or list_contains(s.shared_tks, k.tk))
where s.cs > (select coalesce(max(cs), 0) from category_set_members);

create or replace temp table scoped_scores as
select
    vk,
    list({'tk': tk, 'interest_score': interest_score} order by tk) as scores,
from scoped_categories
group by vk;

insert into score_sets
select
    (select coalesce(max(ss), 0) from score_sets) + row_number() over (order by scores)::integer,
    scores,
from (select distinct scores from scoped_scores) as n
where not exists (select 1 from score_sets as s where s.scores is not distinct from n.scores);

create or replace temp table scoped_score_sets as
select
    c.vk,
    s.ss,
from scoped_scores as c
inner join score_sets as s on s.scores is not distinct from c.scores;

insert into score_set_members
select
    m.ss,
    m.score.tk,
    k.category_id,
    m.score.interest_score,
from (
    select ss, unnest(scores) as score, from score_sets where ss > (select coalesce(max(ss), 0) from score_set_members)
) as m
inner join category_keys as k on k.tk = m.score.tk;

delete from visit_facts where vk in (select vk from facts_scope);

delete from delegation_facts where vk in (select vk from facts_scope);

delete from category_facts where vk in (select vk from facts_scope);

create or replace temp table scoped_dates as
select distinct visit_date from visit_keys where vk in (select vk from facts_scope);

delete from delegation_totals where visit_date in (select visit_date from scoped_dates);

create or replace temp table scoped_months as
select distinct date_trunc('month', visit_date)::date as month from scoped_dates;

delete from delegation_months where month in (select month from scoped_months);

delete from delegation_month_totals where month in (select month from scoped_months);

insert into visit_facts
select
    v.*,
    coalesce(d.delegates, 0) as delegates,
    coalesce(d.department_count, 0) as department_count,
    coalesce(d.dmask, 0) as dmask,
    d.shared_dks,
    s.cs,
from visit_keys as v
left join (
    select
        vk,
        sum(delegates)::bigint as delegates,
        count(*) as department_count,
        bit_or(department_bit(dk)) as dmask,
        list(dk order by dk) filter (where dk >= 127) as shared_dks,
    from scoped_delegations
    group by vk
) as d on d.vk = v.vk
inner join scoped_category_sets as c on c.vk = v.vk
inner join category_sets as s on s.cmask = c.cmask and s.shared_tks is not distinct from c.shared_tks
where v.vk in (select vk from facts_scope)
order by v.visit_date, v.vk;

insert into delegation_facts
select
    d.vk,
    v.visit_date,
    v.ck,
    d.dk,
    d.delegates,
    v.cs,
    s.ss,
from scoped_delegations as d
inner join visit_facts as v on v.vk = d.vk
left join scoped_score_sets as s on s.vk = d.vk
order by v.visit_date, d.vk;

insert into delegation_totals
select
    visit_date,
    ck,
    dk,
    count(*) as visits,
    sum(delegates)::bigint as delegates,
from delegation_facts
where visit_date in (select visit_date from scoped_dates)
group by all
order by visit_date, ck, dk;

insert into delegation_months
select
    date_trunc('month', visit_date)::date as month,
    ck,
    dk,
    cs,
    count(*) as visits,
    sum(delegates)::bigint as delegates,
from delegation_facts
where date_trunc('month', visit_date)::date in (select month from scoped_months)
group by all
order by month, ck, dk, cs;

insert into delegation_month_totals
select
    month,
    ck,
    dk,
    sum(visits)::bigint as visits,
    sum(delegates)::bigint as delegates,
from delegation_months
where month in (select month from scoped_months)
group by all
order by month, ck, dk;

insert into category_facts
select
    c.vk,
    v.visit_date,
    v.ck,
    c.tk,
    c.category_id,
    c.interest_score,
    v.delegates,
    v.dmask,
    v.shared_dks,
    t.category_en,
    t.category_zh,
from scoped_categories as c
inner join visit_facts as v on v.vk = c.vk
inner join category_keys as t on t.tk = c.tk
order by v.visit_date, c.vk;

drop table scoped_delegations;

drop table scoped_categories;

drop table scoped_dates;

drop table scoped_months;

drop table scoped_category_sets;

drop table scoped_scores;

drop table scoped_score_sets;
