-- Evaluations: a flow version run over every row of a dataset, once per combination of variants. Settings are kept
-- as JSON (combinations, metrics, fields, groundedness scorer, input mapping) so a resume runs exactly the same.
CREATE TABLE evaluations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  -- An evaluation goes with its flow (its runs do too); a dataset in use cannot be deleted.
  flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  flow_version INTEGER NOT NULL,
  dataset_id TEXT NOT NULL REFERENCES datasets (id),
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  combinations TEXT NOT NULL,
  metrics TEXT NOT NULL,
  fields TEXT NOT NULL,
  groundedness TEXT NOT NULL,
  mapping TEXT NOT NULL,
  seed INTEGER NOT NULL CHECK (seed BETWEEN 0 AND 4294967295),
  concurrency INTEGER NOT NULL,
  error TEXT,
  created_at TEXT NOT NULL,
  ended_at TEXT,
  FOREIGN KEY (flow_id, flow_version) REFERENCES flow_versions (flow_id, version)
);

CREATE INDEX evaluations_by_flow ON evaluations (flow_id, created_at);
CREATE INDEX evaluations_by_dataset ON evaluations (dataset_id);
CREATE INDEX evaluations_by_status ON evaluations (status);

-- One item per (combination, dataset row): pending until its run ends; then its metrics, written with its status
-- in one transaction, so a resume runs exactly the items that are not done.
CREATE TABLE evaluation_items (
  evaluation_id TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  combination INTEGER NOT NULL,
  row_index INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
  -- The run stays in the run history when the evaluation is deleted, and the item outlives a deleted run.
  run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
  inputs TEXT,
  outputs TEXT,
  error TEXT,
  metrics TEXT,
  groundedness TEXT,
  answer TEXT,
  context TEXT,
  duration_ms REAL,
  tokens_in INTEGER,
  tokens_out INTEGER,
  ended_at TEXT,
  PRIMARY KEY (evaluation_id, combination, row_index)
) WITHOUT ROWID;

CREATE INDEX evaluation_items_by_run ON evaluation_items (run_id);

-- A person's pairwise preference between two sides (evaluation + combination) on one dataset row.
CREATE TABLE evaluation_preferences (
  a_evaluation TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  a_combination INTEGER NOT NULL,
  b_evaluation TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
  b_combination INTEGER NOT NULL,
  row_index INTEGER NOT NULL,
  preferred TEXT NOT NULL CHECK (preferred IN ('a', 'b', 'tie')),
  updated_at TEXT NOT NULL,
  PRIMARY KEY (a_evaluation, a_combination, b_evaluation, b_combination, row_index)
);

CREATE INDEX evaluation_preferences_by_b ON evaluation_preferences (b_evaluation);
