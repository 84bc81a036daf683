import { describe, expect, it } from 'vitest';
import { painter, wantsColor } from './color.js';

describe('wantsColor', () => {
  it('colours a terminal and not a pipe when nothing is set', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
  });

  it('turns colour off with NO_COLOR (non-empty), on a terminal too', () => {
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
    expect(wantsColor({ NO_COLOR: '' }, true)).toBe(true);
  });

  it('lets FORCE_COLOR decide over the terminal and NO_COLOR: 0 or false off, anything else on', () => {
    expect(wantsColor({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '3', NO_COLOR: '1' }, false)).toBe(true);
    expect(wantsColor({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(wantsColor({ FORCE_COLOR: 'false' }, true)).toBe(false);
  });
});

describe('painter', () => {
  it('wraps text in ANSI codes when colouring, whatever stdout is, and leaves it alone otherwise', () => {
    expect(painter(true)('red', 'x')).toBe('\u001b[31mx\u001b[39m');
    expect(painter(true)(['green', 'inverse'], 'y')).toBe('\u001b[32m\u001b[7my\u001b[27m\u001b[39m');
    expect(painter(false)('red', 'x')).toBe('x');
  });
});
