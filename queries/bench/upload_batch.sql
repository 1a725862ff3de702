-- The upload benchmark's batch: $rows delegates of stored visits, under new participant ids, as a CSV file.
copy (
    select
        visit_id,
        department,
        concat(participant_id, '-upload') as participant_id,
        role,
    from read_parquet($source)
    limit $rows
) to $target (header)
