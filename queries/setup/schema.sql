-- The data model: one table a contract name, typed. Files are loaded into these tables by name.
create table cities (
    city varchar not null,
    name_zh varchar,
    lat double,
    lon double,
);

create table departments (
    department_id varchar not null,
    name_en varchar,
    name_zh varchar,
    kind varchar,
);

create table technologies (
    category_id varchar not null,
    name_en varchar,
    name_zh varchar,
);

create table visits (
    visit_id varchar not null,
    visit_date date not null,
    city varchar not null,
    host varchar,
    visit_type varchar,
    title varchar,
    notes varchar,
    -- Optional Chinese host, title and notes: each language shows its own, falling back to the other.
    host_zh varchar,
    title_zh varchar,
    notes_zh varchar,
);

create table participants (
    visit_id varchar not null,
    department varchar not null,
    participant_id varchar,
    role varchar,
);

create table visit_technologies (
    visit_id varchar not null,
    category_id varchar not null,
    interest_score integer,
);

-- Optional: what happened after a visit. One row a step a department took with a technology category;
-- no file means an empty table. Rules (the quality page checks them, an ingest should refuse rows that
-- break them): `category_id` is a `technologies` code, `department` a `departments` code, `status` one of
-- follow_up_statuses() in that order, `date` an ISO date; `note` is free text.
create table follow_ups (
    category_id varchar not null,
    department varchar not null,
    status varchar not null,
    date date not null,
    note varchar,
);

-- The follow-up stages, earliest first: a department at a later stage has passed the earlier ones.
create macro follow_up_statuses() as ['idea', 'trial', 'pilot', 'adopted'];
