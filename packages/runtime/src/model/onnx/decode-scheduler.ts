export type RowFinish = 'eos' | 'length' | 'stop' | 'cancelled';

/** One sequence to generate, and its owner's say in how it goes on. */
export interface DecodeRow {
  promptIds: readonly number[];
  /** Tokens to generate at most (the end-of-sequence token not counted). */
  maxTokens: number;
  eosIds: ReadonlySet<number>;
  /** Picks the next token from this row's logits; `history` is the prompt and what was generated. */
  pick(logits: Float32Array, history: readonly number[]): number;
  /**
   * True when `pick` is exactly the first index of the largest logit (temperature 0, no repetition penalty): the
   * model may then pick the token on the device, without reading the row's logits back.
   */
  greedy?: boolean;
  /** Takes a generated token (never an end-of-sequence one); returns true when a stop condition ended the row. */
  accept(token: number): boolean;
  cancelled(): boolean;
}

export interface RowOutcome {
  tokens: number[];
  finish: RowFinish;
}

/** What one forward pass gives back: the batch it leaves (its cache one step longer) and each row's last logits. */
export interface BatchStep<Batch> {
  batch: Batch;
  /** Row `row`'s logits at its last position; valid until the next call on the model. May throw when the step was
   * asked for `argmax` only and offers `argmax`. */
  logits(row: number): Float32Array;
  /** Row `row`'s greedy token (first index of its largest last logit), when the model computed them on the device. */
  argmax?(row: number): number;
}

/**
 * What the scheduler needs from a forward pass: `argmax` when every row decodes greedily (the model may then pick
 * the tokens where the logits are and read back one id a row), `logits` when some row samples or penalizes.
 */
export interface StepOptions {
  need: 'argmax' | 'logits';
}

/**
 * A decoder as the scheduler drives it. A `Batch` holds the rows' KV cache (wherever the model keeps it) with
 * whatever per-row padding and positions it needs; every method taking a batch consumes it (frees it or hands
 * its memory on), so a batch is used once.
 */
export interface BatchModel<Batch> {
  /** Runs prompts as a new batch, in order. */
  prefill(prompts: readonly (readonly number[])[], options?: StepOptions): Promise<BatchStep<Batch>>;
  /**
   * How prompts that wait together are cut into prefills: groups of indices into `prompts`, each group one
   * `prefill` (prompts of very different lengths padded into one would compute the longest length for every row).
   * Without it, they are prefilled together.
   */
  prefillGroups?(prompts: readonly (readonly number[])[]): number[][];
  /** Feeds each row its next token. */
  step(batch: Batch, tokens: readonly number[], options?: StepOptions): Promise<BatchStep<Batch>>;
  /** One batch of `first`'s rows followed by `second`'s. */
  merge(first: Batch, second: Batch): Promise<Batch>;
  /** A batch of the given rows only, in the given order. */
  keep(batch: Batch, rows: readonly number[]): Promise<Batch>;
  release(batch: Batch): void;
  /**
   * Up to `steps` greedy steps that pick their tokens on the device and feed them on without reading them back
   * between steps; `stop` is asked before each step after the first. Gives each step's tokens ([step][row]).
   */
  chain?(
    batch: Batch,
    tokens: readonly number[],
    steps: number,
    stop: () => boolean,
  ): Promise<{ batch: Batch; tokens: number[][] }>;
}

export interface DecodeSchedulerOptions {
  /** The most rows decoding at once; further requests wait until rows leave. */
  maxBatch: number;
  /** How long the first request of an idle scheduler waits for others to share its prefill. */
  joinWindowMs: number;
  /** Tokens a row may hold in all (prompt and generated): the model's context. */
  contextLength: number;
  /**
   * The most greedy steps run as one chain on the device (the model's `chain`) when every row decodes greedily;
   * 1 (the default) steps one at a time. A chain ends early when a request waits to join or a row is cancelled,
   * and is never longer than the shortest remaining budget of a row, so only rows that end on their own (end of
   * sequence, a stop string) can have steps computed past their end (discarded).
   */
  chainSteps?: number;
}

interface Entry {
  row: DecodeRow;
  history: number[];
  tokens: number[];
  finish: RowFinish | undefined;
  resolve(outcome: RowOutcome): void;
  reject(error: unknown): void;
}

/**
 * Continuous batching: one running batch that requests join at step boundaries and leave the moment they end.
 *
 * A request arriving while the batch decodes waits for the current step to end; then every request waiting is
 * prefilled (together, or in groups of similar lengths where the model cuts them so) and merged into the batch, and
 * decoding goes on with all rows. A row that ends (end of sequence, stop, length, cancel) is answered at once and its
 * cache rows are dropped before the next step, so no step is spent on it. Each row keeps its own sampler and stop
 * conditions; the model keeps each row's positions and padding, so a row's logits do not depend on the rows beside
 * it.
 */
export class DecodeScheduler<Batch> {
  private readonly waiting: Entry[] = [];
  /** The rows of `batch`, in its order. */
  private active: Entry[] = [];
  private batch: Batch | undefined;
  private running = false;

  constructor(
    private readonly model: BatchModel<Batch>,
    private readonly options: DecodeSchedulerOptions,
  ) {}

  /** Generates one row; resolves when it ends, also when it is cancelled. Rejects when the model fails. */
  submit(row: DecodeRow): Promise<RowOutcome> {
    return new Promise<RowOutcome>((resolve, reject) => {
      this.waiting.push({ row, history: [...row.promptIds], tokens: [], finish: undefined, resolve, reject });
      if (this.running) return;
      this.running = true;
      setTimeout(() => void this.loop(), this.options.joinWindowMs);
    });
  }

  /** Rows decoding now and rows waiting to join. */
  get load(): { active: number; waiting: number } {
    return { active: this.active.length, waiting: this.waiting.length };
  }

  private async loop(): Promise<void> {
    while (this.waiting.length > 0 || this.active.length > 0) {
      const joining: Entry[] = [];
      try {
        await this.admit(joining);
        await this.leave();
        if (this.active.length === 0) continue;
        const last = this.active.map((entry) => entry.tokens[entry.tokens.length - 1]!);
        const chain = this.chainLength();
        if (chain > 1 && this.model.chain) {
          const result = await this.model.chain(this.batch as Batch, last, chain, () => this.interrupted());
          this.batch = result.batch;
          for (const tokens of result.tokens)
            this.active.forEach((entry, index) => {
              if (!entry.finish) this.end(entry, this.take(entry, tokens[index]!));
            });
        } else {
          const step = await this.model.step(this.batch as Batch, last, needs(this.active));
          this.batch = step.batch;
          this.pick(this.active, step);
        }
        await this.leave();
      } catch (error) {
        this.fail([...this.active, ...joining], error);
      }
    }
    this.running = false;
  }

  /**
   * Prefills the requests waiting (as many as there is room for), in the groups the model cuts them into, and
   * merges them into the running batch.
   */
  private async admit(joining: Entry[]): Promise<void> {
    const room = this.options.maxBatch - this.active.length;
    if (room <= 0 || this.waiting.length === 0) return;
    for (const entry of this.waiting.splice(0, room)) {
      // Requests cancelled or asking for nothing while they waited end here, before a prefill is spent on them.
      if (entry.row.cancelled()) this.end(entry, 'cancelled');
      else if (entry.row.maxTokens <= 0) this.end(entry, 'length');
      else joining.push(entry);
    }
    if (joining.length === 0) return;
    const prompts = joining.map((entry) => entry.row.promptIds);
    const groups = this.model.prefillGroups?.(prompts) ?? [prompts.map((_, index) => index)];
    for (const group of groups.map((indices) => indices.map((index) => joining[index]!)))
      await this.join(group, joining);
  }

  /** Prefills one group of the joining requests and merges it into the running batch (or starts it). */
  private async join(group: Entry[], joining: Entry[]): Promise<void> {
    const leaveJoining = () => {
      for (const entry of group) joining.splice(joining.indexOf(entry), 1);
    };
    let prefill: BatchStep<Batch>;
    try {
      prefill = await this.model.prefill(
        group.map((entry) => entry.row.promptIds),
        needs(group),
      );
    } catch (error) {
      // The group's prefill failed (a prompt too large for memory, say): the running batch is untouched.
      leaveJoining();
      this.fail(group, error, false);
      return;
    }
    this.pick(group, prefill);
    this.batch = this.batch === undefined ? prefill.batch : await this.model.merge(this.batch, prefill.batch);
    leaveJoining();
    this.active.push(...group);
  }

  /** Drops the cache rows of the rows that ended. */
  private async leave(): Promise<void> {
    if (!this.active.some((entry) => entry.finish)) return;
    const kept: number[] = [];
    this.active.forEach((entry, index) => {
      if (!entry.finish) kept.push(index);
    });
    const batch = this.batch as Batch;
    this.active = kept.map((index) => this.active[index]!);
    this.batch = undefined;
    if (kept.length === 0) this.model.release(batch);
    else this.batch = await this.model.keep(batch, kept);
  }

  /** Picks each live row's next token and applies the end conditions; answers rows that end. */
  private pick(entries: readonly Entry[], step: BatchStep<Batch>): void {
    entries.forEach((entry, index) => {
      if (!entry.finish) this.end(entry, this.next(entry, step, index));
    });
  }

  /** Takes the row's next token (the device's pick for a greedy row when there is one); what ended the row. */
  private next(entry: Entry, step: BatchStep<Batch>, index: number): RowFinish | undefined {
    const { row } = entry;
    if (row.cancelled()) return 'cancelled';
    return this.take(
      entry,
      row.greedy && step.argmax ? step.argmax(index) : row.pick(step.logits(index), entry.history),
    );
  }

  /** How many greedy steps to chain now: 1 unless every row is greedy, never past a row's token budget. */
  private chainLength(): number {
    const most = this.options.chainSteps ?? 1;
    if (most <= 1 || !this.active.every((entry) => entry.row.greedy === true)) return 1;
    let steps = most;
    for (const entry of this.active) {
      const budget = Math.min(
        entry.row.maxTokens - entry.tokens.length,
        this.options.contextLength - entry.history.length,
      );
      steps = Math.min(steps, budget);
    }
    return Math.max(1, steps);
  }

  /** A chain stops early for a request that could join now, or for a row cancelled. */
  private interrupted(): boolean {
    return (
      (this.waiting.length > 0 && this.active.length < this.options.maxBatch) ||
      this.active.some((entry) => !entry.finish && entry.row.cancelled())
    );
  }

  /** Applies one generated token to a row: what ended the row, if anything. */
  private take(entry: Entry, token: number): RowFinish | undefined {
    const { row } = entry;
    if (row.cancelled()) return 'cancelled';
    if (row.eosIds.has(token)) return 'eos';
    entry.tokens.push(token);
    entry.history.push(token);
    if (row.accept(token)) return 'stop';
    if (entry.tokens.length >= row.maxTokens || entry.history.length >= this.options.contextLength) return 'length';
    return undefined;
  }

  private end(entry: Entry, finish: RowFinish | undefined): void {
    if (!finish) return;
    entry.finish = finish;
    entry.resolve({ tokens: entry.tokens, finish });
  }

  /** A model call failed: the rows in it fail (with the running batch, whose cache is in an unknown state, unless
   * only a prefill failed); waiting requests go on. */
  private fail(entries: readonly Entry[], error: unknown, dropBatch = true): void {
    for (const entry of entries) {
      if (entry.finish) continue;
      entry.finish = 'cancelled';
      entry.reject(error);
    }
    if (!dropBatch) return;
    const batch = this.batch;
    this.batch = undefined;
    this.active = [];
    if (batch !== undefined) {
      try {
        this.model.release(batch);
      } catch {
        // Freeing a cache the failed call left behind is best effort.
      }
    }
  }
}

/** `argmax` when every row picks greedily, so no row's logits have to leave the device. */
function needs(entries: readonly Entry[]): StepOptions {
  return { need: entries.every((entry) => entry.row.greedy === true) ? 'argmax' : 'logits' };
}
