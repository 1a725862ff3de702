-- A written value -> its normalised value, built from two lists of the same length.
select
    unnest($written) as written,
    unnest($normalised) as normalised,
