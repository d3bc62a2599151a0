-- PLACEHOLDER on branch shard26 only: migration 027 belongs to another branch. The lead
-- drops this file at merge (it keeps the numbering contiguous so this branch's tests run).
SELECT 1;
