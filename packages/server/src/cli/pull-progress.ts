import type { PullProgress } from '@groundwork/runtime/models';
import { displayPath } from './display.js';
import type { OutputStream } from './main.js';
import { formatBytes } from './models-list-command.js';

/**
 * What `groundwork models pull` shows while it downloads: a bar redrawn in place on a terminal, and plain lines
 * elsewhere, because a log or a pipe keeps every redraw as text of its own.
 */

export interface PullReporter {
  update(event: PullProgress): void;
  /** The pull is over (either way); output after this starts on a clean line. */
  finish(): void;
}

/** A bar on a terminal, lines anywhere else. */
export function createPullReporter(stream: OutputStream, cwd: string): PullReporter {
  return isTerminal(stream) ? new ProgressBar(stream, terminalColumns(stream)) : new ProgressLines(stream, cwd);
}

/** For logs and pipes: one line when the pull starts and one per finished file, nothing redrawn. */
class ProgressLines implements PullReporter {
  readonly #resumedAt = new Map<string, number>();

  constructor(
    private readonly stream: OutputStream,
    private readonly cwd: string,
  ) {}

  update(event: PullProgress): void {
    switch (event.type) {
      case 'pull-start': {
        const files = formatCount(event.files.length, 'file');
        const where = displayPath(event.destination, this.cwd);
        this.stream.write(
          `Pulling ${event.repo} (${event.revision}): ${files}, ${formatBytes(event.totalBytes)} into ${where}\n`,
        );
        return;
      }
      case 'file-start':
        if (event.offset > 0) this.#resumedAt.set(event.path, event.offset);
        else this.#resumedAt.delete(event.path);
        return;
      case 'file-end': {
        const resumed = this.#resumedAt.get(event.path);
        const note = resumed === undefined ? '' : `, resumed at ${formatBytes(resumed)}`;
        const verb = event.skipped ? 'present   ' : 'downloaded';
        this.stream.write(`${verb} ${event.path} (${formatBytes(event.size)}${note})\n`);
        return;
      }
    }
  }

  finish(): void {}
}

const REDRAW_MS = 100;
const SPEED_WINDOW_MS = 5_000;
const BAR_WIDTH = 20;

/** For a terminal: one line redrawn in place with overall bytes, speed, time left and the files downloading. */
class ProgressBar implements PullReporter {
  #total = 0;
  #finished = 0;
  /** Bytes on disk of each file downloading now. */
  readonly #active = new Map<string, number>();
  /** Bytes received by this pull, with when: the speed is taken over the last few seconds. */
  #received = 0;
  readonly #samples: { at: number; received: number }[] = [];
  #drawnAt = 0;
  #drawn = false;

  constructor(
    private readonly stream: OutputStream,
    private readonly columns: number,
  ) {}

  update(event: PullProgress): void {
    switch (event.type) {
      case 'pull-start':
        this.#total = event.totalBytes;
        this.#draw(true);
        return;
      case 'file-start':
        this.#active.set(event.path, event.offset);
        this.#draw(true);
        return;
      case 'file-progress':
        this.#received += event.bytes - (this.#active.get(event.path) ?? 0);
        this.#active.set(event.path, event.bytes);
        this.#draw(false);
        return;
      case 'file-end':
        this.#active.delete(event.path);
        this.#finished += event.size;
        this.#draw(true);
        return;
    }
  }

  finish(): void {
    if (this.#drawn) this.stream.write('\r\u001b[K');
    this.#drawn = false;
  }

  #draw(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.#drawnAt < REDRAW_MS) return;
    this.#drawnAt = now;
    this.#samples.push({ at: now, received: this.#received });
    while (this.#samples.length > 2 && now - this.#samples[0]!.at > SPEED_WINDOW_MS) this.#samples.shift();
    const first = this.#samples[0]!;
    const seconds = (now - first.at) / 1000;
    const speed = seconds > 0 ? (this.#received - first.received) / seconds : 0;

    let done = this.#finished;
    for (const bytes of this.#active.values()) done += bytes;
    const fraction = this.#total > 0 ? Math.min(1, done / this.#total) : 1;
    const filled = Math.round(fraction * BAR_WIDTH);
    const parts = [
      `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`,
      `${String(Math.floor(fraction * 100)).padStart(3)}%`,
      `${formatBytes(done)} / ${formatBytes(this.#total)}`,
    ];
    if (speed > 0) parts.push(`${formatBytes(speed)}/s`);
    if (speed > 0 && done < this.#total) parts.push(`${formatDuration((this.#total - done) / speed)} left`);
    // A line as wide as the terminal wraps, and \r then redraws only its last row: the file names give way first.
    const width = Math.max(10, this.columns - 1);
    let line = parts.join('  ');
    const files = [...this.#active.keys()];
    const room = width - line.length - 2;
    if (files.length > 0 && room >= 8) {
      const more = files.length > 1 ? ` +${files.length - 1}` : '';
      line += `  ${shortenStart(files[0]!, room - more.length)}${more}`;
    }
    line = line.slice(0, width);
    this.stream.write(`\r${line}\u001b[K`);
    this.#drawn = true;
  }
}

/** `3 files`, `1 file`. */
export function formatCount(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `…` and the end of the text: the end of a path says more than its start. */
function shortenStart(text: string, width: number): string {
  return text.length <= width ? text : `…${text.slice(text.length - width + 1)}`;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  if (whole < 3600) return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`;
  return `${Math.floor(whole / 3600)}h${String(Math.floor((whole % 3600) / 60)).padStart(2, '0')}m`;
}

/** The context's streams are process.stderr or a test's buffer: a terminal says so with isTTY. */
function isTerminal(stream: OutputStream): boolean {
  return (stream as { isTTY?: boolean }).isTTY === true;
}

function terminalColumns(stream: OutputStream): number {
  const columns = (stream as { columns?: number }).columns;
  return typeof columns === 'number' && columns > 0 ? columns : 80;
}
