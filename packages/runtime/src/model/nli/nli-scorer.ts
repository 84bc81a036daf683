import { splitSentences } from '../../evaluators/groundedness/sentences.js';
import {
  type Evidence,
  type GroundednessInput,
  type GroundednessResult,
  type GroundednessScorer,
  ratingOf,
  type ScoreOptions,
  type SentenceVerdict,
  type TextSpan,
} from '../../evaluators/groundedness/types.js';
import type { DeviceRequest } from '../onnx/device.js';
import { OnnxPairClassifier, type PairClassifier } from './nli-classifier.js';
import { readNliFolder } from './nli-folder.js';

/** An entailment probability of one half or more: the model thinks support more likely than not. */
export const NLI_THRESHOLD = 0.5;

/** A window of context: consecutive sentences of one passage that fit the model with a hypothesis. */
interface ContextWindow extends TextSpan {
  passage: number;
}

/**
 * The NLI scorer: each answer sentence is the hypothesis, each context window a premise; the sentence's score is its
 * highest entailment probability over the windows (the window that gives it is the evidence), and the answer's is
 * its weakest sentence's, as with the other scorers. Windows pack whole context sentences, in order and without
 * overlap, into what the model takes beside the longest answer sentence.
 */
export class NliScorer implements GroundednessScorer {
  readonly name = 'nli';
  readonly defaultThreshold: number;

  constructor(
    private readonly classifier: PairClassifier,
    options: { threshold?: number } = {},
  ) {
    this.defaultThreshold = options.threshold ?? NLI_THRESHOLD;
  }

  async score(input: GroundednessInput, options: ScoreOptions = {}): Promise<GroundednessResult> {
    const threshold = options.threshold ?? this.defaultThreshold;
    const claims = splitSentences(input.answer);
    if (claims.length === 0) {
      return { score: 1, rating: 5, supported: true, threshold, scorer: this.name, sentences: [] };
    }
    const longest = Math.max(...claims.map((claim) => this.classifier.countTokens(claim.text)));
    const budget = Math.max(16, this.classifier.maxLength - this.classifier.pairOverhead - longest);
    const windows = this.windows(input.context, budget);
    const probabilities = await this.classifier.entailment(
      claims.flatMap((claim) => windows.map((window) => ({ premise: window.text, hypothesis: claim.text }))),
      options.signal,
    );
    const sentences: SentenceVerdict[] = claims.map((claim, index) => {
      const own = probabilities.slice(index * windows.length, (index + 1) * windows.length);
      let best = -1;
      own.forEach((probability, at) => {
        if (best < 0 || probability > own[best]!) best = at;
      });
      const score = best < 0 ? 0 : own[best]!;
      const evidence: Evidence[] = best < 0 ? [] : [{ ...windows[best]!, score }];
      return { ...claim, score, supported: score >= threshold, evidence };
    });
    const score = Math.min(...sentences.map((sentence) => sentence.score));
    return { score, rating: ratingOf(score), supported: score >= threshold, threshold, scorer: this.name, sentences };
  }

  private windows(context: GroundednessInput['context'], budget: number): ContextWindow[] {
    const passages = typeof context === 'string' ? [context] : context;
    const windows: ContextWindow[] = [];
    passages.forEach((passage, index) => {
      let current: { start: number; end: number; tokens: number } | undefined;
      const flush = () => {
        if (current) windows.push({ text: passage.slice(current.start, current.end), ...current, passage: index });
        current = undefined;
      };
      for (const sentence of splitSentences(passage)) {
        const tokens = this.classifier.countTokens(sentence.text) + 1;
        if (current && current.tokens + tokens > budget) flush();
        if (current) {
          current.end = sentence.end;
          current.tokens += tokens;
        } else current = { start: sentence.start, end: sentence.end, tokens };
      }
      flush();
    });
    return windows.map(({ text, start, end, passage }) => ({ text, start, end, passage }));
  }
}

export interface LoadNliOptions {
  /** Where it runs: cpu (default), auto, cuda or webgpu. */
  device?: DeviceRequest;
  threshold?: number;
  /** Pairs per model call. Default 8. */
  batchSize?: number;
}

/** A loaded NLI scorer; `close()` releases its ONNX session. */
export interface LoadedNliScorer extends GroundednessScorer {
  readonly provider: string;
  readonly labels: readonly string[];
  close(): Promise<void>;
}

/**
 * Loads a user-supplied ONNX sequence-classification folder as a groundedness scorer. Throws NliModelError when the
 * folder is not an NLI model (no classifier head, no entailment label, a text-generation graph).
 */
export async function loadNliScorer(folder: string, options: LoadNliOptions = {}): Promise<LoadedNliScorer> {
  const nli = readNliFolder(folder);
  const classifier = await OnnxPairClassifier.open(nli, options.device ?? 'cpu', options.batchSize ?? 8);
  const scorer = new NliScorer(classifier, options.threshold !== undefined ? { threshold: options.threshold } : {});
  return Object.assign(scorer, {
    provider: classifier.provider,
    labels: nli.labels,
    close: () => classifier.close(),
  });
}
