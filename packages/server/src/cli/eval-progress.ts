import type { Progress } from '../evaluations/evaluations.schemas.js';
import type { OutputStream } from './main.js';

/** How often the progress line is written when stderr is not a terminal. */
export const PLAIN_INTERVAL_MS = 5000;
const BAR_WIDTH = 30;

/**
 * Evaluation progress on stderr: a bar redrawn in place on a terminal, else a line every few seconds (logs and CI
 * keep a readable record), and a last line at the end either way.
 */
export class EvaluationProgress {
  private lastLineAt = 0;
  private lastLine = '';

  constructor(
    private readonly stream: OutputStream,
    private readonly terminal: boolean,
    private readonly startedAt = Date.now(),
  ) {}

  update(progress: Progress): void {
    if (this.terminal) {
      this.stream.write(`\r${this.line(progress)}\u001b[K`);
    } else if (Date.now() - this.lastLineAt >= PLAIN_INTERVAL_MS) {
      this.lastLineAt = Date.now();
      this.lastLine = this.line(progress);
      this.stream.write(`${this.lastLine}\n`);
    }
  }

  finish(progress: Progress): void {
    if (this.terminal) this.stream.write(`\r${this.line(progress)}\u001b[K\n`);
    else if (this.line(progress) !== this.lastLine) this.stream.write(`${this.line(progress)}\n`);
  }

  private line({ total, done, failed }: Progress): string {
    const ended = done + failed;
    const filled = total === 0 ? BAR_WIDTH : Math.round((ended / total) * BAR_WIDTH);
    const seconds = ((Date.now() - this.startedAt) / 1000).toFixed(0);
    const bar = this.terminal ? `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ` : '';
    return `${bar}${ended}/${total} items (${done} done, ${failed} failed) ${seconds}s`;
  }
}
