import { describe, expect, it } from 'vitest';
import { StopStringMatcher } from './stop-strings.js';

/** Pushes each piece; returns what was emitted along the way, whether it stopped, and the flush at the end. */
function run(stops: readonly string[], pieces: readonly string[]) {
  const matcher = new StopStringMatcher(stops);
  const steps = pieces.map((piece) => matcher.push(piece));
  return {
    emitted: steps.map((step) => step.emit),
    stopped: steps.map((step) => step.stopped),
    flushed: matcher.flush(),
  };
}

describe('StopStringMatcher', () => {
  it('stops on a stop string split across pieces, emitting only what comes before it', () => {
    const { emitted, stopped, flushed } = run(['lo W'], ['Hel', 'lo W', 'orld']);
    // "l" could begin "lo W", so it waits for the next piece.
    expect(emitted).toEqual(['He', 'l', '']);
    expect(stopped).toEqual([false, true, true]);
    expect(flushed).toBe('');
  });

  it('holds back a possible beginning of a stop string, then releases it when it is not one', () => {
    const matcher = new StopStringMatcher(['</answer>']);
    expect(matcher.push('The end </')).toEqual({ emit: 'The end ', stopped: false });
    expect(matcher.push('ans')).toEqual({ emit: '', stopped: false });
    expect(matcher.push('wer is near')).toEqual({ emit: '</answer is near', stopped: false });
    expect(matcher.flush()).toBe('');
  });

  it('keeps holding back when the released text itself ends like a stop string', () => {
    const matcher = new StopStringMatcher(['abc']);
    expect(matcher.push('xab')).toEqual({ emit: 'x', stopped: false });
    expect(matcher.push('ab')).toEqual({ emit: 'ab', stopped: false });
    expect(matcher.push('c!')).toEqual({ emit: '', stopped: true });
  });

  it('finds a stop string that overlaps the held-back text differently from the first guess', () => {
    // "aab" holds back "aa"; the stop "aab" only begins at the second "a".
    const { emitted, stopped } = run(['aab'], ['aa', 'ab']);
    expect(emitted.join('')).toBe('a');
    expect(stopped.at(-1)).toBe(true);
  });

  it('with several stop strings completed in one piece, the earliest in the text wins', () => {
    const { emitted, stopped } = run(['world', 'lo'], ['Hello world']);
    expect(emitted).toEqual(['Hel']);
    expect(stopped).toEqual([true]);
  });

  it('ends at the first stop string completed, not at a longer one that might still complete', () => {
    // Generation ends as soon as "END" is there, so "STOP NOW" never gets the chance to complete.
    const { emitted, stopped } = run(['STOP NOW', 'END'], ['a STOP END', ' NOW']);
    expect(emitted).toEqual(['a STOP ', '']);
    expect(stopped).toEqual([true, true]);
  });

  it('holds back the longest possible beginning among several stops', () => {
    const matcher = new StopStringMatcher(['\n\n', 'User:']);
    expect(matcher.push('Done.\nUse')).toEqual({ emit: 'Done.\n', stopped: false });
    expect(matcher.flush()).toBe('Use');
  });

  it('stops at the very start with nothing to emit', () => {
    expect(run(['<|end|>'], ['<|end|>rest']).emitted).toEqual(['']);
    expect(run(['<|end|>'], ['<|', 'end|>']).stopped).toEqual([false, true]);
  });

  it('ignores everything after a stop', () => {
    const matcher = new StopStringMatcher(['.']);
    expect(matcher.push('One. Two')).toEqual({ emit: 'One', stopped: true });
    expect(matcher.push('Three')).toEqual({ emit: '', stopped: true });
    expect(matcher.flush()).toBe('');
  });

  it('flush returns the held-back text once, at the end of generation', () => {
    const matcher = new StopStringMatcher(['###']);
    expect(matcher.push('Answer: 42 ##')).toEqual({ emit: 'Answer: 42 ', stopped: false });
    expect(matcher.flush()).toBe('##');
    expect(matcher.flush()).toBe('');
  });

  it('passes text straight through without stop strings (empty ones are ignored)', () => {
    expect(run([], ['a', 'b']).emitted).toEqual(['a', 'b']);
    expect(run([''], ['a', 'b']).stopped).toEqual([false, false]);
  });

  it('never emits part of a stop string, wherever the pieces are cut', () => {
    const text = 'The answer is 42.<|im_end|>ignored';
    for (let cut = 1; cut < text.length; cut++) {
      for (let cut2 = cut; cut2 < text.length; cut2++) {
        const { emitted, stopped } = run(['<|im_end|>'], [text.slice(0, cut), text.slice(cut, cut2), text.slice(cut2)]);
        expect(emitted.join('')).toBe('The answer is 42.');
        expect(stopped.at(-1)).toBe(true);
      }
    }
  });
});
