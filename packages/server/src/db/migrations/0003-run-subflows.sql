-- Runs keep the stored version each `{ ref }` sub-flow resolved to (JSON: name -> { flowId, version }), so a replay
-- runs the same sub-flows even after they changed. NULL for runs recorded before this migration.
ALTER TABLE runs ADD COLUMN subflows TEXT;
