-- 011_push_coalesce (PostgreSQL): the debounce of push jobs (docs/PROTOCOL.md 7.2). While a pending
-- job's first delivery has not started, coalesce_until_ms is the latest time a message (or, for
-- a counts-only job, a read) folded into it may put it off to: the time it was recorded plus
-- push_coalesce_max_ms. Claiming the job clears it, so folding never moves a lease, a retry's
-- backoff, or the rest of a job left pending by a delivery. Jobs pending from before this
-- migration have none: they keep their due time, as before.
ALTER TABLE push_jobs ADD COLUMN coalesce_until_ms BIGINT;
