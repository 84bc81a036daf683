import type { RunRecord } from '../api/client.js';
import type { RunView } from '../state/run-view.js';
import { replayRun } from './replay-run.js';
import { useRunPanel } from './use-run-controller.js';

const NO_SEED =
  'This run has no seed (it was recorded before runs had seeds), so it cannot be replayed with the same sampling';

/**
 * Where a run comes from and how to get it again: its seed, the run it replays, and Replay (same version, inputs,
 * variants and seed, so a sampled model generates the same tokens).
 */
export function RunProvenance({ view, record }: { view: RunView; record: RunRecord | undefined }) {
  const phase = useRunPanel((state) => state.phase);
  const seed = record?.seed ?? view.seed;
  const replayOf = record?.replayOf ?? null;
  const finished = view.status !== 'running';
  if (seed === undefined && replayOf === null && !finished) return null;
  const hasSeed = seed !== undefined && seed !== null;
  return (
    <div className="run-provenance">
      {hasSeed && (
        <span data-testid="run-seed" title="Sampling in this run derives from this seed">
          seed <code>{seed}</code>
        </span>
      )}
      {replayOf !== null && (
        <span data-testid="run-replay-of">
          replay of <code>{replayOf}</code>
        </span>
      )}
      {finished && (
        <button
          type="button"
          data-testid="run-replay"
          disabled={!hasSeed || phase !== 'idle'}
          title={hasSeed ? 'Run again: same version, inputs, variants and seed' : NO_SEED}
          onClick={() => void replayRun(view.runId)}
        >
          Replay
        </button>
      )}
    </div>
  );
}
