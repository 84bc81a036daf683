import type { IncrementalDecoder, StopStringMatcher } from '../text/index.js';

/**
 * The text of one generation as tokens arrive: decoded incrementally, cut at the first stop string, and streamed
 * out piece by piece without ever showing part of a stop string.
 */
export class StreamedText {
  private output = '';
  private stopped = false;

  constructor(
    private readonly decoder: IncrementalDecoder,
    private readonly stops: StopStringMatcher,
    private readonly onText: (text: string) => void,
  ) {}

  /** Adds a generated token; true when a stop string has ended the text. */
  push(token: number): boolean {
    const step = this.stops.push(this.decoder.push(token));
    this.emit(step.emit);
    this.stopped = step.stopped;
    return step.stopped;
  }

  /** The whole text, once what the decoders still held back is let out (unless a stop string ended it). */
  finish(): string {
    if (!this.stopped) {
      const tail = this.stops.push(this.decoder.flush());
      this.emit(tail.emit);
      if (!tail.stopped) this.emit(this.stops.flush());
    }
    return this.output;
  }

  private emit(piece: string): void {
    if (!piece) return;
    this.output += piece;
    this.onText(piece);
  }
}
