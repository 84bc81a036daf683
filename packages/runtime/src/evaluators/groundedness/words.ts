import { stemmer } from 'stemmer';

/**
 * Function words and very common verbs and adverbs: they carry no fact to check. Negations are not here; they are
 * compared on their own.
 */
const STOPWORDS = new Set(
  (
    'a an the and or but if then else of at by for with about against between into through during before after ' +
    'above below to from up down in out on off over under again further once here there when where why how all any ' +
    'both each few more most other some such only own same so than too very s t can will just should now i me my ' +
    'myself we our ours ourselves you your yours yourself yourselves he him his himself she her hers herself it its ' +
    'itself they them their theirs themselves what which who whom this that these those am is are was were be been ' +
    'being have has had having do does did doing would could might must shall may also as well while whose within ' +
    'without upon via per among along across around though although however therefore thus since until unless ' +
    'whether either neither yet still even ever currently later us let lets get got make made'
  ).split(/\s+/),
);

/** Negation words: a claim that says "not" where the evidence does not (or the other way) is contradicted. */
export const NEGATIONS = new Set([
  'not',
  'no',
  'never',
  'none',
  'nor',
  'nobody',
  'nothing',
  'neither',
  'cannot',
  'without',
]);

export interface Word {
  /** The word as written. */
  raw: string;
  /** What is compared: the Porter stem of the lower-cased word, or a number with its separators removed. */
  key: string;
  kind: 'word' | 'number';
  /** Written with a capital letter (not at the start of its sentence): probably part of a name. */
  capitalized: boolean;
  /** Offset in the text. */
  start: number;
}

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’.,-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu;

/** The content words of a text (stopwords dropped), each with its comparison key. */
export function contentWords(text: string): Word[] {
  const words: Word[] = [];
  let first = true;
  for (const match of text.matchAll(WORD)) {
    for (const part of splitToken(match[0], match.index)) {
      const word = toWord(part.text, part.start, first);
      first = false;
      if (word) words.push(word);
    }
  }
  return words;
}

/** How many content words after a negation it reaches: "did not win the award" negates "win". */
const NEGATION_SCOPE = 1;

/**
 * The keys of the content words a negation reaches ("not", "never", "n't" and the like: the next content word,
 * within the clause): what the text says is not so.
 */
export function negatedKeys(text: string): Set<string> {
  const negated = new Set<string>();
  let reach = 0;
  let first = true;
  for (const match of text.matchAll(/[\p{L}\p{N}'’]+(?:-[\p{L}\p{N}]+)*|[,;:()"“”]/gu)) {
    const token = match[0];
    if (/^[,;:()"“”]$/.test(token)) {
      reach = 0;
      continue;
    }
    if (isNegation(token, text, match.index, first)) {
      reach = NEGATION_SCOPE;
      first = false;
      continue;
    }
    first = false;
    if (reach === 0) continue;
    for (const part of token.split('-')) {
      const word = toWord(part, match.index, false);
      if (word && reach > 0) {
        negated.add(word.key);
        reach--;
      }
    }
  }
  return negated;
}

/**
 * Whether a token negates what follows: "not", "never", "didn't"… but not "No. 1", a capitalised "Never" inside a
 * sentence (a title: "Never Be Like You"), or a hyphenated "not-for-profit" (one word, not a negation).
 */
function isNegation(token: string, text: string, at: number, atSentenceStart: boolean): boolean {
  if (token.includes('-')) return false;
  const lower = token.toLowerCase();
  if (!NEGATIONS.has(lower) && !/n['’]t$/.test(lower)) return false;
  const after = text.slice(at + token.length);
  if (lower === 'no' && /^\.?\s*\d/.test(after)) return false;
  if (lower === 'not' && /^\s+only\b/i.test(after)) return false;
  return atSentenceStart || !/^\p{Lu}/u.test(token);
}

/** A token keeps `3.5` and `260,000` whole; anything else with inner punctuation splits into words. */
function splitToken(token: string, start: number): { text: string; start: number }[] {
  if (/^\p{N}[\p{N},.]*\p{N}$/u.test(token) || /^\p{N}$/u.test(token)) return [{ text: token, start }];
  const parts: { text: string; start: number }[] = [];
  for (const match of token.matchAll(/[\p{L}\p{N}]+/gu)) parts.push({ text: match[0], start: start + match.index });
  // "U.S" and "don't" stay one word.
  if (/^(\p{L}\.)+\p{L}$/u.test(token)) return [{ text: token.replaceAll('.', ''), start }];
  return parts;
}

/** Number words compare as the numbers they name: "three songs" matches "3 songs". */
const NUMBER_WORDS: Record<string, string> = Object.fromEntries(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'
    .split(' ')
    .map((word, value) => [word, String(value)]),
);

function toWord(raw: string, start: number, atSentenceStart: boolean): Word | undefined {
  const named = NUMBER_WORDS[raw.toLowerCase()];
  if (named !== undefined && raw.toLowerCase() !== 'one')
    return { raw, key: named, kind: 'number', capitalized: false, start };
  if (/^\p{N}[\p{N},.]*$/u.test(raw)) {
    const key = raw.replace(/,(?=\d{3}\b)/g, '').replace(/\.0+$/, '');
    return { raw, key, kind: 'number', capitalized: false, start };
  }
  const lower = raw.toLowerCase();
  if (STOPWORDS.has(lower) || NEGATIONS.has(lower) || lower.length < 2) return undefined;
  return {
    raw,
    key: stemmer(lower),
    kind: 'word',
    capitalized: !atSentenceStart && /^\p{Lu}/u.test(raw),
    start,
  };
}
