/**
 * Cuts streamed text at the first stop string completed without ever letting part of one out: text that could be the
 * start of a stop string is held back until the following text shows whether it is one. When one piece completes
 * several, the one that starts first in the text wins.
 *
 * Each push searches only the held-back text plus the new text (the held-back part is shorter than the longest
 * stop), so a generation costs O(text length × stops). Empty stop strings are ignored.
 */
export class StopStringMatcher {
  private readonly stops: readonly string[];
  private held = '';
  private stopped = false;

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  /**
   * Feeds newly decoded text; returns the text safe to emit now and whether a stop string was completed. Once one
   * is, `emit` ends right before it and later pushes are ignored (they return no text and `stopped: true`).
   */
  push(text: string): { emit: string; stopped: boolean } {
    if (this.stopped) return { emit: '', stopped: true };
    if (this.stops.length === 0) return { emit: text, stopped: false };
    const buffer = this.held + text;

    let cut = -1;
    for (const stop of this.stops) {
      // Occurrences that end inside the held-back part were ruled out by the pushes before.
      const index = buffer.indexOf(stop);
      if (index !== -1 && (cut === -1 || index < cut)) cut = index;
    }
    if (cut !== -1) {
      this.stopped = true;
      this.held = '';
      return { emit: buffer.slice(0, cut), stopped: true };
    }

    const keep = this.longestStopPrefixAtEnd(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** At the end of generation: the held-back text, which was not a stop string after all. */
  flush(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }

  /** The length of the longest end of `text` that is a proper beginning of some stop string. */
  private longestStopPrefixAtEnd(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
