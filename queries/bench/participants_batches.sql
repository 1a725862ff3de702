-- The participants of a Parquet file dealt into $batches upload batches (the benchmark's many-small-files case).
select
    *,
    (hash(participant_id, visit_id) % $batches)::integer as batch,
from read_parquet($source)
