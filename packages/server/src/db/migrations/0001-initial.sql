-- Flows and their immutable versions; labels point at versions.
CREATE TABLE flows (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  latest_version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE flow_versions (
  flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  version INTEGER NOT NULL CHECK (version >= 1),
  -- The flow document as JSON, at the schema version it was saved with.
  content TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  -- SHA-256 of the document with its keys sorted: equal contents, equal hashes.
  content_hash TEXT NOT NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (flow_id, version)
);

CREATE TABLE flow_labels (
  flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (flow_id, label),
  FOREIGN KEY (flow_id, version) REFERENCES flow_versions (flow_id, version) ON DELETE CASCADE
);

-- Runs: the exact version and variants they used, so any run can be replayed.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  flow_id TEXT NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  flow_version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
  -- Where the run came from: the API, a published endpoint, a replay.
  source TEXT NOT NULL,
  inputs TEXT NOT NULL,
  variants TEXT NOT NULL,
  outputs TEXT,
  error TEXT,
  created_at TEXT NOT NULL,
  ended_at TEXT,
  duration_ms REAL,
  FOREIGN KEY (flow_id, flow_version) REFERENCES flow_versions (flow_id, version)
);

CREATE INDEX runs_by_flow ON runs (flow_id, created_at);
CREATE INDEX runs_by_status ON runs (status);

-- One record per node (and per scope: map items and sub-flows), kept current as the run goes.
CREATE TABLE run_nodes (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  scope TEXT NOT NULL DEFAULT '',
  node_id TEXT NOT NULL,
  node_type TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'skipped', 'cancelled', 'interrupted')),
  variant TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  inputs TEXT,
  outputs TEXT,
  error TEXT,
  skip_reason TEXT,
  input_tokens INTEGER,
  output_tokens INTEGER,
  started_at TEXT,
  ended_at TEXT,
  duration_ms REAL,
  PRIMARY KEY (run_id, scope, node_id)
);

-- The run's event log, in order: what SSE clients replay after a reconnect.
CREATE TABLE run_events (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- API keys for published endpoints: only a hash of each key is kept.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  -- The key's first characters, shown in lists and used to find the row before comparing hashes.
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);

CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
