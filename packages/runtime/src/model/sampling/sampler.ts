import { createRandom } from './random.js';

export interface SamplingParameters {
  /** 0 or undefined: greedy. */
  temperature?: number;
  /** 0 or undefined: no limit. */
  topK?: number;
  /** 1 or undefined: no limit. */
  topP?: number;
  /** 1 or undefined: none. */
  repetitionPenalty?: number;
}

/**
 * Picks next tokens the way transformers' generate does: repetition penalty, then temperature, top-k, top-p, and a
 * draw (here from a seeded PRNG, so a seed repeats a generation exactly).
 *
 * Cost per token, for a vocabulary of V, without sorting the vocabulary: greedy is one pass over the logits.
 * Sampling copies them once, then either takes one softmax pass and draws by a cumulative scan (no top-k), or runs
 * one selection pass through a k-entry heap that nearly every logit leaves after one comparison (top-k; only the k
 * survivors are exponentiated, and sorted when top-p also applies). Top-p without top-k adds one histogram pass
 * (see `nucleus`). Every step is exact: no probability cut-off drops tokens.
 */
export class Sampler {
  readonly greedy: boolean;
  private readonly inverseTemperature: number;
  private readonly topK: number;
  private readonly topP: number;
  private readonly penalty: number;
  private readonly random: () => number;

  /** Throws a RangeError naming the parameter when one is out of range. */
  constructor(parameters: SamplingParameters, seed: number) {
    const { temperature = 0, topK = 0, topP = 1, repetitionPenalty = 1 } = parameters;
    check(Number.isFinite(temperature) && temperature >= 0, 'temperature must be 0 or more', temperature);
    check(Number.isInteger(topK) && topK >= 0, 'topK must be a whole number, 0 or more', topK);
    check(topP > 0 && topP <= 1, 'topP must be more than 0 and at most 1', topP);
    check(
      Number.isFinite(repetitionPenalty) && repetitionPenalty > 0,
      'repetitionPenalty must be more than 0',
      repetitionPenalty,
    );
    this.greedy = temperature === 0;
    this.inverseTemperature = this.greedy ? 1 : 1 / temperature;
    this.topK = topK;
    this.topP = topP;
    this.penalty = repetitionPenalty;
    this.random = createRandom(seed);
  }

  /** Whether `next` is a plain argmax of the logits (greedy, no repetition penalty): ties to the lowest id. */
  get argmaxOnly(): boolean {
    return this.greedy && this.penalty === 1;
  }

  /**
   * Picks the next token from one row of logits (length = vocabulary). `history` is the prompt and the generated
   * ids; the repetition penalty applies once to each distinct id in it (HF style: positive logits divided by the
   * penalty, negative ones multiplied). Greedy ties go to the lowest id. Never modifies `logits`.
   */
  next(logits: Float32Array, history: readonly number[]): number {
    const vocab = logits.length;
    if (vocab === 0) throw new RangeError('The logits row is empty');
    scratch.reserve(vocab);
    const penalized = this.penalty === 1 ? NONE : scratch.distinctIds(history, vocab);
    if (this.greedy) return this.argmax(logits, penalized);

    const values = scratch.values.subarray(0, vocab);
    values.set(logits);
    for (const id of penalized) values[id] = this.penalize(values[id]!);

    const k = this.topK > 0 && this.topK < vocab ? this.topK : 0;
    const picked = k > 0 ? this.sampleTopK(values, k) : this.sampleAll(values);
    // Only NaN or all -Infinity logits leave nothing to draw from.
    return picked ?? this.argmax(logits, penalized);
  }

  private penalize(logit: number): number {
    return logit < 0 ? logit * this.penalty : logit / this.penalty;
  }

  /** One pass over the logits, skipping penalized ids, which are then compared with their penalized values. */
  private argmax(logits: Float32Array, penalized: readonly number[]): number {
    let best = 0;
    let bestValue = Number.NEGATIVE_INFINITY;
    if (penalized.length === 0) {
      for (let id = 0; id < logits.length; id++) {
        const value = logits[id]!;
        if (value > bestValue) {
          bestValue = value;
          best = id;
        }
      }
      return best;
    }
    const marks = scratch.marks;
    const stamp = scratch.stamp;
    for (let id = 0; id < logits.length; id++) {
      const value = logits[id]!;
      if (value > bestValue && marks[id] !== stamp) {
        bestValue = value;
        best = id;
      }
    }
    for (const id of penalized) {
      const value = this.penalize(logits[id]!);
      if (value > bestValue || (value === bestValue && id < best)) {
        bestValue = value;
        best = id;
      }
    }
    return best;
  }

  /** Top-k renormalizes over the k best, so only their weights are computed. */
  private sampleTopK(values: Float32Array, k: number): number | undefined {
    const order = scratch.order;
    selectTopK(values, k, order);
    let top = Number.NEGATIVE_INFINITY;
    for (let rank = 0; rank < k; rank++) top = Math.max(top, values[order[rank]!]!);
    let total = 0;
    for (let rank = 0; rank < k; rank++) {
      const id = order[rank]!;
      values[id] = Math.exp((values[id]! - top) * this.inverseTemperature);
      total += values[id]!;
    }
    if (!(total > 0)) return undefined;
    if (this.topP === 1) return this.draw(order, k, values);

    sortCandidates(order, 0, k, values);
    const target = this.topP * total;
    let count = 0;
    let mass = 0;
    while (count < k && mass < target) mass += values[order[count++]!]!;
    return this.draw(order, count, values);
  }

  private sampleAll(values: Float32Array): number | undefined {
    const vocab = values.length;
    let max = Number.NEGATIVE_INFINITY;
    for (let id = 0; id < vocab; id++) if (values[id]! > max) max = values[id]!;
    // `values` becomes the unnormalized probabilities exp((logit - max) / T); the largest is 1.
    let total = 0;
    for (let id = 0; id < vocab; id++) {
      const weight = Math.exp((values[id]! - max) * this.inverseTemperature);
      values[id] = weight;
      total += weight;
    }
    if (!(total > 0 && Number.isFinite(total))) return undefined;
    if (this.topP === 1) return this.drawFromAll(values, total);
    return this.draw(scratch.order, this.nucleus(values, total), values);
  }

  /**
   * Puts the top-p nucleus (the fewest most likely tokens whose weights reach top_p of `total`) into `order` and
   * returns its size. Float32 bit patterns of non-negative numbers order like the numbers, so a histogram of the
   * weights' top bits (16 buckets per power of two) finds the bucket where the mass, summed from the top, reaches
   * the target: every token in a higher bucket is in, and only the tokens of that one bucket are sorted.
   */
  private nucleus(weights: Float32Array, total: number): number {
    const vocab = weights.length;
    const bits = scratch.bits;
    const masses = scratch.masses.fill(0);
    for (let id = 0; id < vocab; id++) masses[bits[id]! >>> BUCKET_SHIFT]! += weights[id]!;

    const target = this.topP * total;
    let above = 0;
    let boundary = 0;
    for (let bucket = masses.length - 1; bucket >= 0; bucket--) {
      const mass = masses[bucket]!;
      if (mass === 0) continue;
      // Rounding may keep the sum a hair under the target: then the last bucket with mass is the boundary.
      boundary = bucket;
      if (above + mass >= target) break;
      above += mass;
    }

    // Tokens above the boundary fill `order` from the start, those in it from the end.
    const order = scratch.order;
    let count = 0;
    let tail = vocab;
    for (let id = 0; id < vocab; id++) {
      const bucket = bits[id]! >>> BUCKET_SHIFT;
      if (bucket > boundary) order[count++] = id;
      else if (bucket === boundary) order[--tail] = id;
    }
    sortCandidates(order, tail, vocab, weights);
    // Writes never overtake reads here: count <= tail + rank.
    let mass = above;
    for (let rank = tail; rank < vocab && mass < target; rank++) {
      const id = order[rank]!;
      order[count++] = id;
      mass += weights[id]!;
    }
    return count;
  }

  /** Draws one of order[0..count) in proportion to its weight. */
  private draw(order: Int32Array, count: number, weights: Float32Array): number | undefined {
    let mass = 0;
    for (let rank = 0; rank < count; rank++) mass += weights[order[rank]!]!;
    if (!(mass > 0 && Number.isFinite(mass))) return undefined;
    const target = this.random() * mass;
    let cumulative = 0;
    for (let rank = 0; rank < count; rank++) {
      cumulative += weights[order[rank]!]!;
      if (target < cumulative) return order[rank]!;
    }
    // Rounding can leave the target a hair above the last sum.
    return order[count - 1]!;
  }

  /** A draw from the whole distribution, in id order: no candidates to collect. */
  private drawFromAll(weights: Float32Array, total: number): number {
    const target = this.random() * total;
    let cumulative = 0;
    let last = 0;
    for (let id = 0; id < weights.length; id++) {
      const weight = weights[id]!;
      if (weight === 0) continue;
      cumulative += weight;
      last = id;
      if (target < cumulative) return id;
    }
    return last;
  }
}

/** Float32 bits >>> 19 keep the exponent and 4 mantissa bits; weights are at most 1, whose key is 0x7f0. */
const BUCKET_SHIFT = 19;
const BUCKETS = (0x3f80_0000 >>> BUCKET_SHIFT) + 1;

const NONE: readonly number[] = [];

/**
 * Scratch buffers shared by every sampler: next() is synchronous and never re-entered, so one set per thread
 * serves all the requests a worker interleaves, and nothing is allocated per token.
 */
class Scratch {
  /** The logits after the penalty, then their unnormalized probabilities. */
  values = new Float32Array(0);
  /** `values`' bit patterns. */
  bits = new Uint32Array(0);
  /** Candidate ids. */
  order = new Int32Array(0);
  /** `marks[id] === stamp`: id is in the current call's history. */
  marks = new Uint32Array(0);
  stamp = 0;
  readonly masses = new Float64Array(BUCKETS);
  private readonly distinct: number[] = [];

  reserve(vocab: number): void {
    if (this.values.length >= vocab) return;
    this.values = new Float32Array(vocab);
    this.bits = new Uint32Array(this.values.buffer);
    this.order = new Int32Array(vocab);
    this.marks = new Uint32Array(vocab);
    this.stamp = 0;
  }

  /** The distinct ids of `history` inside the vocabulary, each marked with a fresh stamp. */
  distinctIds(history: readonly number[], vocab: number): readonly number[] {
    this.stamp++;
    if (this.stamp > 0xffff_ffff) {
      this.marks.fill(0);
      this.stamp = 1;
    }
    this.distinct.length = 0;
    for (const id of history) {
      if (id >= 0 && id < vocab && this.marks[id] !== this.stamp) {
        this.marks[id] = this.stamp;
        this.distinct.push(id);
      }
    }
    return this.distinct;
  }
}

const scratch = new Scratch();

/**
 * Puts the ids of the k largest values into order[0..k) (unordered), through a min-heap whose root is the worst
 * kept; among equal values the lower id is kept. Logits below the root, nearly all of them, cost one comparison.
 */
function selectTopK(values: Float32Array, k: number, order: Int32Array): void {
  for (let id = 0; id < k; id++) {
    order[id] = id;
    siftUp(order, id, values);
  }
  let root = values[order[0]!]!;
  for (let id = k; id < values.length; id++) {
    // Ids rise through the loop, so an equal value is never better than what is kept.
    if (values[id]! > root) {
      order[0] = id;
      siftDown(order, k, values);
      root = values[order[0]!]!;
    }
  }
}

/** Heap order: a is worse than b when its value is lower, or equal with a higher id. */
function worse(a: number, b: number, values: Float32Array): boolean {
  const difference = values[a]! - values[b]!;
  return difference < 0 || (difference === 0 && a > b);
}

function siftUp(heap: Int32Array, index: number, values: Float32Array): void {
  let child = index;
  while (child > 0) {
    const parent = (child - 1) >> 1;
    if (!worse(heap[child]!, heap[parent]!, values)) return;
    swap(heap, child, parent);
    child = parent;
  }
}

function siftDown(heap: Int32Array, size: number, values: Float32Array): void {
  let parent = 0;
  for (;;) {
    const left = 2 * parent + 1;
    if (left >= size) return;
    const right = left + 1;
    const child = right < size && worse(heap[right]!, heap[left]!, values) ? right : left;
    if (!worse(heap[child]!, heap[parent]!, values)) return;
    swap(heap, child, parent);
    parent = child;
  }
}

function swap(heap: Int32Array, a: number, b: number): void {
  const held = heap[a]!;
  heap[a] = heap[b]!;
  heap[b] = held;
}

/** Sorts order[from..to) best first: higher value, then lower id. */
function sortCandidates(order: Int32Array, from: number, to: number, values: Float32Array): void {
  order.subarray(from, to).sort((a, b) => values[b]! - values[a]! || a - b);
}

function check(valid: boolean, rule: string, value: unknown): void {
  if (!valid) throw new RangeError(`Sampling parameter ${rule}, got ${String(value)}`);
}
