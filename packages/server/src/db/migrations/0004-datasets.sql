-- Datasets: rows imported from JSONL, CSV or JSON files, whole or not at all. Evaluations run flows over them.
CREATE TABLE datasets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  format TEXT NOT NULL CHECK (format IN ('jsonl', 'csv', 'json')),
  -- The column names (JSON array): the CSV header, or every key of any JSON row in order of appearance.
  columns_json TEXT NOT NULL,
  row_count INTEGER NOT NULL CHECK (row_count >= 1),
  -- SHA-256 of the parsed rows (canonical JSON), so importing the same data again can reuse the dataset.
  content_hash TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE INDEX datasets_by_content_hash ON datasets (content_hash);

-- One row per dataset row, in file order (idx from 0): the row's values as a JSON object.
CREATE TABLE dataset_rows (
  dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL CHECK (idx >= 0),
  values_json TEXT NOT NULL,
  PRIMARY KEY (dataset_id, idx)
) WITHOUT ROWID;
