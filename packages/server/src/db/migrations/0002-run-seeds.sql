-- Runs keep the seed they sampled with, so a run can be replayed to the same text. Runs recorded before this
-- migration have none (NULL): they cannot be replayed identically.
ALTER TABLE runs ADD COLUMN seed INTEGER CHECK (seed BETWEEN 0 AND 4294967295);

-- A replay points at the run it repeats.
ALTER TABLE runs ADD COLUMN replay_of TEXT REFERENCES runs (id) ON DELETE SET NULL;

-- Deleting a run looks up the replays that point at it.
CREATE INDEX runs_by_replay_of ON runs (replay_of);
