import { HubError } from './hub-error.js';

/**
 * transformers.js names the weights of each precision `onnx/model<suffix>.onnx` (plus external data files that
 * start with that name); `q8` is `_quantized` there, not `_q8`.
 */
const DTYPE_SUFFIXES = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
} as const;

export type Dtype = keyof typeof DTYPE_SUFFIXES;
export const DTYPES = Object.keys(DTYPE_SUFFIXES) as Dtype[];

export function isDtype(text: string): text is Dtype {
  return Object.hasOwn(DTYPE_SUFFIXES, text);
}

/** The model file a dtype stands for, e.g. `onnx/model_q4.onnx`. */
export function dtypeModelPath(dtype: Dtype): string {
  return `onnx/model${DTYPE_SUFFIXES[dtype]}.onnx`;
}

/**
 * A glob over repository paths: `*` and `?` stay within one folder, `**` crosses folders (`**\/` also matches no
 * folder at all). Everything else is literal. The whole path must match.
 */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*' && pattern[index + 1] === '*') {
      const slashFollows = pattern[index + 2] === '/';
      source += slashFollows ? '(?:.*/)?' : '.*';
      index += slashFollows ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 's');
}

export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** Weights and their external data (`model.onnx`, `model.onnx_data`, `model.onnx.data`), wherever they are. */
function isOnnxFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.includes('.onnx');
}

export interface FileSelection {
  /** Globs on repository paths; a file is taken when any matches. */
  include?: readonly string[] | undefined;
  /** Every non-ONNX file plus `onnx/model<suffix>.onnx*` for this precision. */
  dtype?: Dtype | undefined;
}

/**
 * The files a pull takes: all without include or dtype, else the union of what each selects. A pattern or dtype
 * that selects nothing is an error rather than a smaller download: it is nearly always a typo, or a precision the
 * repository does not publish (the message lists the ones it does).
 */
export function selectFiles<T extends { path: string }>(
  files: readonly T[],
  selection: FileSelection,
  where: string,
): T[] {
  const include = selection.include ?? [];
  if (include.length === 0 && selection.dtype === undefined) return [...files];
  const matchers = include.map((pattern) => ({ pattern, regExp: globToRegExp(pattern) }));
  for (const { pattern, regExp } of matchers) {
    if (!files.some((file) => regExp.test(file.path))) {
      throw new HubError('no-match', `the pattern "${pattern}" matches no file of ${where}`);
    }
  }
  let dtypeMatch: ((path: string) => boolean) | undefined;
  if (selection.dtype !== undefined) {
    const weights = dtypeModelPath(selection.dtype);
    if (!files.some((file) => file.path.startsWith(weights))) {
      const available = DTYPES.filter((dtype) => files.some((file) => file.path === dtypeModelPath(dtype)));
      const offer = available.length > 0 ? `; it has ${available.join(', ')}` : '; it has no onnx/model*.onnx files';
      throw new HubError('no-match', `${where} has no ${weights} for dtype ${selection.dtype}${offer}`);
    }
    dtypeMatch = (path) => !isOnnxFile(path) || path.startsWith(weights);
  }
  return files.filter(
    (file) => matchers.some(({ regExp }) => regExp.test(file.path)) || dtypeMatch?.(file.path) === true,
  );
}
