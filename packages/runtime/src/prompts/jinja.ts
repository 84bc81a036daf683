/**
 * The Jinja layer of the runtime: prompt templates, and the one-expression snippets of `condition`, `switch` and
 * `transform` nodes, on top of `@huggingface/jinja` (an interpreter that never evaluates host code).
 *
 * Under NodeNext resolution the package's declarations only type `Template`: its `.d.ts` files import `./lexer`,
 * `./ast` and `./runtime` without extensions, so `tokenize`, `parse`, `Environment` and every AST node and runtime
 * value arrive as `any`. The shapes this module relies on are therefore declared here and checked at run time.
 */
import { Environment, parse, Template, tokenize } from '@huggingface/jinja';

export interface SourceLocation {
  /** 1-based. */
  readonly line: number;
  /** 1-based, counted in UTF-16 code units like the rest of JavaScript. */
  readonly column: number;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** For run errors: a template fails the same way every time, so the engine does not retry it. */
  readonly code = 'template-error';
  readonly retryable = false;
  /** Where in the template or expression source the problem is, when it could be determined. */
  readonly location: SourceLocation | undefined;

  constructor(message: string, options?: { cause?: unknown; location?: SourceLocation }) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.location = options?.location;
  }
}

export interface CompiledTemplate {
  readonly source: string;
  /** Free variables the template reads from its context, in order of first use, without duplicates. */
  readonly variables: readonly string[];
  render(context: Readonly<Record<string, unknown>>): string;
}

export interface CompiledExpression {
  readonly source: string;
  readonly variables: readonly string[];
  /**
   * The expression's value as plain JSON-like JS: string, number, boolean, null, arrays, plain objects.
   * Jinja's undefined (a missing variable, `x if false`, a missing attribute) becomes null, at any depth.
   * A value that is a function (e.g. the bare global `range`) throws a TemplateError.
   */
  evaluate(context: Readonly<Record<string, unknown>>): unknown;
  /** Jinja truthiness of the value (empty string/list/dict, 0, none, false and undefined are false). */
  test(context: Readonly<Record<string, unknown>>): boolean;
}

/**
 * Context values are passed to the library as they are; what it cannot hold safely is refused with a TemplateError:
 * functions (a template could call into the host), symbols and bigints, and cyclic structures. Only the context
 * entries the source names are converted and checked, so the rest of a large context costs nothing.
 * A context key that names a Jinja global (`range`, `namespace`, `true`, ...) is ignored: the global wins.
 */
export function compileTemplate(source: string): CompiledTemplate {
  const cached = templateCache.get(source);
  if (cached) return cached;
  const unit: SourceUnit = { kind: 'template', source, text: source, shift: 0, options: TEMPLATE_LEX_OPTIONS };
  const { program, tokens } = parseUnit(unit);
  const analysis = analyze(program);
  checkFilterAndTestNames(unit, tokens, analysis);

  // Rendering goes through Template so that its globals (`range`, `namespace`, `none`, ...) are set up exactly as
  // the library does; setupGlobals itself is not exported. The program parsed above (same lexer options as the
  // Template constructor) replaces the one Template would parse, so errors can be located.
  const template = new Template('');
  template.parsed = program;
  const compiled: CompiledTemplate = Object.freeze({
    source,
    variables: Object.freeze([...analysis.free]),
    render(context: Readonly<Record<string, unknown>>): string {
      const items = contextItems(analysis.mentioned, context);
      try {
        return template.render(items);
      } catch (error) {
        throw runtimeError(error);
      }
    },
  });
  templateCache.set(source, compiled);
  return compiled;
}

/** One Jinja expression, written without the {{ }} braces, e.g. `score > 0.5 and answer | length > 0`. */
export function compileExpression(source: string): CompiledExpression {
  const cached = expressionCache.get(source);
  if (cached) return cached;
  if (source.trim() === '') throw new TemplateError('The expression is empty');
  if (GENERATION_TAG.test(source)) {
    // The lexer deletes these tags before tokenizing, so they would vanish instead of being rejected below.
    throw new TemplateError('An expression cannot contain a "{% generation %}" tag');
  }
  // The spaces keep a leading `-` from reading as the `{{-` whitespace control, and a trailing one from `-}}`.
  const unit: SourceUnit = { kind: 'expression', source, text: `{{ ${source} }}`, shift: 3, options: {} };
  const { program, tokens } = parseUnit(unit, rejectDelimiters);
  const body = program.body;
  if (!Array.isArray(body) || body.length !== 1 || !isNode(body[0])) {
    throw new TemplateError('The source is not exactly one expression');
  }
  const expression = body[0];
  const analysis = analyze(expression);
  checkFilterAndTestNames(unit, tokens, analysis);
  const runner = expressionRunner(expression);

  const run = (context: Readonly<Record<string, unknown>>): RuntimeValue => {
    const items = contextItems(analysis.mentioned, context);
    let captured: unknown;
    items[CAPTURE] = (values: unknown) => {
      captured = values;
    };
    try {
      runner.render(items);
    } catch (error) {
      throw runtimeError(error);
    }
    const value = Array.isArray(captured) ? captured[0] : undefined;
    if (!isRuntimeValue(value)) throw new TemplateError('The expression produced no value');
    return value;
  };

  const compiled: CompiledExpression = Object.freeze({
    source,
    variables: Object.freeze([...analysis.free]),
    evaluate: (context: Readonly<Record<string, unknown>>) => toPlain(run(context)),
    test: (context: Readonly<Record<string, unknown>>) => run(context).__bool__().value === true,
  });
  expressionCache.set(source, compiled);
  return compiled;
}

// ---------------------------------------------------------------------------------------------------------------
// Shapes of the library's objects (typed `any` by its declarations, see the file comment).

interface LexOptions {
  readonly lstrip_blocks?: boolean;
  readonly trim_blocks?: boolean;
}

interface LexToken {
  readonly type: string;
  readonly value: string;
}

interface AstNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

interface RuntimeValue {
  readonly type: string;
  readonly value: unknown;
  __bool__(): { readonly value: unknown };
}

const lex: (source: string, options?: LexOptions) => LexToken[] = tokenize;
const parseTokens: (tokens: LexToken[]) => AstNode = parse;

type AnyClass = abstract new (...args: never[]) => object;

/** What `Template` passes to the lexer; compileTemplate parses with the same options. */
const TEMPLATE_LEX_OPTIONS: LexOptions = Object.freeze({ lstrip_blocks: true, trim_blocks: true });

/**
 * Every AST node extends the library's (unexported) `Statement` class; lexer tokens do not. The distinction matters:
 * operators are stored as tokens inside nodes, and the tokens of `and`, `or`, `not`, `in` have type "Identifier".
 */
const AstStatement: AnyClass = (() => {
  let prototype: unknown = Object.getPrototypeOf(parseTokens([]));
  while (isObject(prototype) && Object.getPrototypeOf(prototype) !== Object.prototype) {
    prototype = Object.getPrototypeOf(prototype);
  }
  const base = isObject(prototype) ? prototype.constructor : undefined;
  if (typeof base !== 'function') throw new Error('@huggingface/jinja: cannot find the AST base class');
  return base as AnyClass;
})();

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

function isNode(value: unknown): value is AstNode {
  return value instanceof AstStatement && typeof (value as { type?: unknown }).type === 'string';
}

function isRuntimeValue(value: unknown): value is RuntimeValue {
  return isObject(value) && typeof value.type === 'string' && typeof value.__bool__ === 'function';
}

function identifierName(value: unknown): string | undefined {
  return isNode(value) && value.type === 'Identifier' && typeof value.value === 'string' ? value.value : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Names the library defines.

/**
 * The globals `setupGlobals` declares in @huggingface/jinja 0.5.11 (not exported, so listed here; a test checks each
 * is defined), plus what a fresh `Environment` already holds (`namespace`).
 */
const GLOBAL_NAMES: ReadonlySet<string> = new Set([
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'raise_exception',
  'range',
  'strftime_now',
  ...(new Environment() as { variables: Map<string, unknown> }).variables.keys(),
]);

const KNOWN_TESTS: ReadonlySet<string> = new Set(
  (new Environment() as { tests: ReadonlyMap<string, unknown> }).tests.keys(),
);

/**
 * The filters @huggingface/jinja 0.5.11 implements, for any operand type, with or without arguments. It keeps them
 * in a switch rather than a registry, so the list is written out; a name outside it fails on every operand.
 */
const KNOWN_FILTERS: ReadonlySet<string> = new Set([
  'abs',
  'bool',
  'capitalize',
  'default',
  'dictsort',
  'first',
  'float',
  'get',
  'indent',
  'int',
  'items',
  'join',
  'keys',
  'last',
  'length',
  'list',
  'lower',
  'map',
  'rejectattr',
  'replace',
  'reverse',
  'safe',
  'selectattr',
  'sort',
  'string',
  'title',
  'tojson',
  'trim',
  'unique',
  'upper',
  'values',
]);

/** Names a macro or call block body can read without them being arguments. */
const MACRO_IMPLICIT_NAMES = ['varargs', 'kwargs', 'caller'];

// ---------------------------------------------------------------------------------------------------------------
// Free-variable analysis.

interface Analysis {
  /** Names read from the context: not bound in an enclosing scope, not globals; in source order. */
  readonly free: readonly string[];
  /** Every name read anywhere, bound or not (globals excepted): the context entries rendering may look up. */
  readonly mentioned: ReadonlySet<string>;
  readonly filters: readonly string[];
  readonly tests: readonly string[];
}

/**
 * Scopes follow the library's runtime: the template, each for loop (its targets, `loop`, and what `set` assigns in
 * its body), each macro and call block (parameters, `varargs`, `kwargs`, `caller`). `if` and `filter` blocks share
 * their enclosing scope.
 *
 * Within a scope, a name is bound for the whole scope if anything in it assigns the name, even later or in one
 * branch of an `if` only. So `{{ x }}{% set x = 1 %}` does not list `x`, although the first `x` reads the context.
 * Macro bodies are resolved where the macro is defined, although the library looks names up where it is called.
 *
 * Nodes without special handling are walked generically (every child node, every Identifier in them read), so an AST
 * node type this code does not know reports too many variables rather than hiding one.
 */
function analyze(root: AstNode): Analysis {
  const free: string[] = [];
  const mentioned = new Set<string>();
  const filters: string[] = [];
  const tests: string[] = [];

  const read = (name: string, scope: Scope) => {
    if (GLOBAL_NAMES.has(name)) return;
    mentioned.add(name);
    if (!scope.binds(name) && !free.includes(name)) free.push(name);
  };

  const visitFilter = (filter: unknown, scope: Scope) => {
    const name = identifierName(filter);
    if (name !== undefined) {
      filters.push(name);
      return;
    }
    const callee = isNode(filter) && filter.type === 'CallExpression' ? identifierName(filter.callee) : undefined;
    if (isNode(filter) && callee !== undefined) {
      filters.push(callee);
      visit(filter.args, scope);
    } else {
      visit(filter, scope);
    }
  };

  const visitParameters = (parameters: unknown, body: unknown, scope: Scope) => {
    const names: string[] = [];
    const defaults: AstNode[] = [];
    for (const parameter of nodesIn(parameters)) {
      if (parameter.type === 'KeywordArgumentExpression') {
        const name = identifierName(parameter.key);
        if (name !== undefined) names.push(name);
        if (isNode(parameter.value)) defaults.push(parameter.value);
      } else {
        const name = identifierName(parameter);
        if (name !== undefined) names.push(name);
      }
    }
    const inner = scope.child([...names, ...MACRO_IMPLICIT_NAMES, ...collectBindings(body)]);
    visit(defaults, inner);
    visit(body, inner);
  };

  const visitNode = (node: AstNode, scope: Scope): void => {
    switch (node.type) {
      case 'Identifier':
        if (typeof node.value === 'string') read(node.value, scope);
        return;
      case 'MemberExpression':
        visit(node.object, scope);
        if (node.computed === true) visit(node.property, scope);
        return;
      case 'FilterExpression':
        visit(node.operand, scope);
        visitFilter(node.filter, scope);
        return;
      case 'FilterStatement':
        visitFilter(node.filter, scope);
        visit(node.body, scope);
        return;
      case 'TestExpression': {
        visit(node.operand, scope);
        const name = identifierName(node.test);
        if (name !== undefined) tests.push(name);
        return;
      }
      case 'KeywordArgumentExpression':
        visit(node.value, scope);
        return;
      case 'Ternary':
        // Source order: `a if condition else b`.
        visit(node.trueExpr, scope);
        visit(node.condition, scope);
        visit(node.falseExpr, scope);
        return;
      case 'For': {
        const inner = scope.child([
          ...targetNames(node.loopvar),
          'loop',
          ...collectBindings([node.body, node.defaultBlock]),
        ]);
        const iterable = node.iterable;
        if (isNode(iterable) && iterable.type === 'SelectExpression') {
          // `for x in xs if x.ok`: the condition sees the loop variable, the iterable does not.
          visit(iterable.lhs, scope);
          visit(iterable.test, inner);
        } else {
          visit(iterable, scope);
        }
        visit(node.body, inner);
        visit(node.defaultBlock, inner);
        return;
      }
      case 'Set':
        if (targetNames(node.assignee).length === 0) visit(node.assignee, scope);
        visit(node.value, scope);
        visit(node.body, scope);
        return;
      case 'Macro':
        visitParameters(node.args, node.body, scope);
        return;
      case 'CallStatement':
        visit(node.call, scope);
        visitParameters(node.callerArgs, node.body, scope);
        return;
      default:
        for (const child of childNodes(node)) visitNode(child, scope);
    }
  };

  const visit = (value: unknown, scope: Scope): void => {
    for (const node of nodesIn(value)) visitNode(node, scope);
  };

  visit(root, new Scope(undefined, collectBindings(root.type === 'Program' ? root.body : root)));
  return { free, mentioned, filters, tests };
}

class Scope {
  constructor(
    private readonly parent: Scope | undefined,
    private readonly names: ReadonlySet<string>,
  ) {}

  binds(name: string): boolean {
    return this.names.has(name) || (this.parent?.binds(name) ?? false);
  }

  child(names: Iterable<string>): Scope {
    return new Scope(this, new Set(names));
  }
}

/** The names the statements bind in their own scope: `set` targets and macro names, not inside loops or macros. */
function collectBindings(statements: unknown, into = new Set<string>()): Set<string> {
  for (const node of nodesIn(statements)) {
    switch (node.type) {
      case 'Set':
        for (const name of targetNames(node.assignee)) into.add(name);
        collectBindings(node.body, into);
        break;
      case 'Macro': {
        const name = identifierName(node.name);
        if (name !== undefined) into.add(name);
        break;
      }
      case 'For':
      case 'CallStatement':
        break;
      default:
        collectBindings([...childNodes(node)], into);
    }
  }
  return into;
}

/** The variables an assignment or loop target binds; empty for targets such as `ns.attribute`. */
function targetNames(target: unknown): string[] {
  const name = identifierName(target);
  if (name !== undefined) return [name];
  if (isNode(target) && target.type === 'TupleLiteral' && Array.isArray(target.value)) {
    return target.value.flatMap(targetNames);
  }
  return [];
}

function* childNodes(node: AstNode): Generator<AstNode> {
  for (const value of Object.values(node)) yield* nodesIn(value);
}

/** The AST nodes a node field holds: a node, a list of nodes, or the key/value map of a dict literal. */
function* nodesIn(value: unknown): Generator<AstNode> {
  if (isNode(value)) {
    yield value;
  } else if (Array.isArray(value)) {
    for (const item of value) yield* nodesIn(item);
  } else if (value instanceof Map) {
    for (const [key, item] of value) {
      yield* nodesIn(key);
      yield* nodesIn(item);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing and syntax errors.

interface SourceUnit {
  readonly kind: 'template' | 'expression';
  /** What the caller wrote. */
  readonly source: string;
  /** What goes to the lexer: the source, or an expression wrapped in `{{ }}`. */
  readonly text: string;
  /** Offset of `source` within `text`. */
  readonly shift: number;
  readonly options: LexOptions;
}

const STRUCTURAL_TOKENS = new Set([
  'Text',
  'Comment',
  'OpenExpression',
  'CloseExpression',
  'OpenStatement',
  'CloseStatement',
]);

/** The tag the lexer's preprocessing removes (transformers' `{% generation %}` / `{% endgeneration %}`). */
const GENERATION_TAG = /\{%-?\s*(?:end)?generation\s*-?%\}/;

function parseUnit(
  unit: SourceUnit,
  check?: (unit: SourceUnit, tokens: LexToken[]) => void,
): { program: AstNode; tokens: LexToken[] } {
  let tokens: LexToken[];
  try {
    tokens = lex(unit.text, unit.options);
  } catch (error) {
    throw lexerError(unit, error);
  }
  check?.(unit, tokens);
  // The parser reports no positions; the last token it looked at is where it gave up.
  let lastRead = -1;
  const watched = new Proxy(tokens, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) lastRead = Number(key);
      return Reflect.get(target, key, receiver);
    },
  });
  try {
    return { program: parseTokens(watched), tokens };
  } catch (error) {
    throw parserError(unit, tokens, lastRead, error);
  }
}

/** An expression's tokens must be `{{`, then only expression tokens, then `}}`. */
function rejectDelimiters(unit: SourceUnit, tokens: LexToken[]): void {
  const last = tokens.length - 1;
  const stray = tokens.findIndex(
    (token, index) =>
      (index === 0 && token.type !== 'OpenExpression') ||
      (index === last && token.type !== 'CloseExpression') ||
      (index > 0 && index < last && STRUCTURAL_TOKENS.has(token.type)),
  );
  if (stray === -1 && tokens.length > 2) return;
  if (stray === -1) throw new TemplateError('The expression is empty');
  const offset = tokenOffsets(unit.text, tokens)?.[stray];
  throw new TemplateError(
    withLocation(
      `An expression is written without "{{ }}", "{% %}" or "{# #}" delimiters, but found ${describeToken(tokens[stray]!)}`,
      unit,
      offset,
    ),
    { location: offset === undefined ? undefined : locate(unit, offset) },
  );
}

function parserError(unit: SourceUnit, tokens: LexToken[], index: number, cause: unknown): TemplateError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const offsets = tokenOffsets(unit.text, tokens);

  // Running out of tokens shows up as a TypeError: the parser reads `.type` of the token past the end.
  if (index >= tokens.length || cause instanceof TypeError) {
    const unclosed = findUnclosed(tokens);
    const offset = unclosed === undefined ? undefined : offsets?.[unclosed.index];
    const what = unclosed === undefined ? '' : `: ${unclosed.label}${at(unit, offset, ' opened')} is never closed`;
    return new TemplateError(`Unexpected end of ${unit.kind}${what}`, {
      cause,
      location: offset === undefined ? undefined : locate(unit, offset),
    });
  }

  const token = tokens[index]!;
  const offset = offsets?.[index];
  const found = describeToken(token, unit, index === tokens.length - 1);
  const problem =
    rewrite(message, [
      [/^Parser Error: .*\. \w+ !== (\w+)\.$/s, (m) => `Expected ${describeTokenType(m[1]!, unit)} but found ${found}`],
      [
        /^Unexpected token(?: type)?: /,
        () => (found === END_OF_EXPRESSION ? 'Unexpected end of the expression' : `Unexpected ${found}`),
      ],
      [/^Unknown statement type: (end(\w+))$/, (m) => `"{% ${m[1]} %}" has no matching "{% ${m[2]} %}"`],
      [/^Unknown statement type: (else|elif)$/, (m) => `"{% ${m[1]} %}" is not inside an "{% if %}" block`],
      [/^Unknown statement type: (\w+)$/, (m) => `Unknown or unsupported statement "{% ${m[1]} %}"`],
      [/^Expected (end\w+)$/, (m) => `Expected "{% ${m[1]} %}" but found ${found}`],
      [/^Unknown statement, got /, () => `Expected a statement name after "{%" but found ${found}`],
    ]) ?? `${message.replace(/\.$/, '')} (near ${found})`;
  return new TemplateError(withLocation(problem, unit, offset), {
    cause,
    location: offset === undefined ? undefined : locate(unit, offset),
  });
}

type Rewrite = readonly [RegExp, (match: RegExpExecArray) => string];

/** The result of the first rule whose pattern matches the library's message. */
function rewrite(message: string, rules: readonly Rewrite[]): string | undefined {
  for (const [pattern, describe] of rules) {
    const match = pattern.exec(message);
    if (match) return describe(match);
  }
  return undefined;
}

function lexerError(unit: SourceUnit, cause: unknown): TemplateError {
  const message = cause instanceof Error ? cause.message : String(cause);
  const segment = failingSegment(unit, message);
  const opener = segment === undefined ? undefined : nextTagOpener(unit.text, segment.start, segment.end);
  const findInTag = (needle: string) => {
    const found = opener === undefined ? -1 : unit.text.indexOf(needle, opener.index + 2);
    return found >= 0 && segment !== undefined && found < segment.end ? found : opener?.index;
  };

  if (message === 'Unexpected end of input') {
    const quote =
      opener === undefined || segment === undefined
        ? undefined
        : unterminatedQuote(unit.text, opener.index + 2, segment.end);
    // In an expression the wrapping `}}` always follows, so only a string can run to the end.
    const offset = quote ?? opener?.index;
    const problem =
      quote !== undefined || unit.kind === 'expression'
        ? withLocation('Unterminated string literal', unit, offset)
        : `Unexpected end of template: "${opener?.text ?? '{{'}"${at(unit, offset, '')} is never closed`;
    return new TemplateError(problem, { cause, location: offset === undefined ? undefined : locate(unit, offset) });
  }
  const { problem, needle } = describeLexerMessage(message);
  const offset = needle === undefined ? opener?.index : findInTag(needle);
  return new TemplateError(withLocation(problem, unit, offset), {
    cause,
    location: offset === undefined ? undefined : locate(unit, offset),
  });
}

/** The lexer's message in plain words, and the text to look for to place it within the failing tag. */
function describeLexerMessage(message: string): { problem: string; needle?: string } {
  let match = /^Unexpected character: (.*)$/s.exec(message);
  if (match) return { problem: `Unexpected character "${match[1]}"`, needle: match[1] };
  match = /^Unexpected escaped character: (.*)$/s.exec(message);
  if (match) return { problem: `Unknown escape sequence "\\${match[1]}" in a string`, needle: `\\${match[1]}` };
  match = /^Invalid hexadecimal escape sequence: (.*)$/s.exec(message);
  if (match) return { problem: `Invalid escape sequence "${match[1]}" in a string`, needle: match[1] };
  if (message === 'Missing end of comment tag') return { problem: 'Comment "{#" is never closed' };
  return { problem: message };
}

/**
 * The lexer reports no position either. Lexing a prefix that ends right after a closing tag behaves like lexing the
 * whole text up to there, so the first such prefix that fails with the same message ends in the faulty tag.
 */
function failingSegment(unit: SourceUnit, message: string): { start: number; end: number } | undefined {
  const cuts = [...unit.text.matchAll(/\}\}|%\}|#\}/g)].map((match) => match.index + 2);
  cuts.push(unit.text.length);
  const fails = (cut: number) => {
    try {
      lex(unit.text.slice(0, cut), unit.options);
      return false;
    } catch (error) {
      return error instanceof Error && error.message === message;
    }
  };
  let low = 0;
  let high = cuts.length - 1;
  if (!fails(cuts[high]!)) return undefined;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (fails(cuts[middle]!)) high = middle;
    else low = middle + 1;
  }
  return { start: low > 0 ? cuts[low - 1]! : 0, end: cuts[low]! };
}

function unterminatedQuote(text: string, from: number, to: number): number | undefined {
  let quote: string | undefined;
  let opened = -1;
  for (let index = from; index < to; index++) {
    const char = text[index];
    if (quote === undefined) {
      if (char === '"' || char === "'") {
        quote = char;
        opened = index;
      }
    } else if (char === '\\') {
      index++;
    } else if (char === quote) {
      quote = undefined;
    }
  }
  return quote === undefined ? undefined : opened;
}

const BLOCK_STATEMENTS = new Set(['if', 'for', 'macro', 'call', 'filter', 'set']);

/** The innermost block or tag still open at the end of the tokens, for "never closed" messages. */
function findUnclosed(tokens: LexToken[]): { label: string; index: number } | undefined {
  const blocks: { name: string; index: number }[] = [];
  let openTag: number | undefined;
  tokens.forEach((token, index) => {
    if (token.type === 'OpenExpression' || token.type === 'OpenStatement') openTag = index;
    if (token.type === 'CloseExpression' || token.type === 'CloseStatement') openTag = undefined;
    const name = token.type === 'OpenStatement' ? tokens[index + 1] : undefined;
    if (name?.type !== 'Identifier') return;
    if (name.value === 'set') {
      // Only `{% set x %}...{% endset %}` is a block; `{% set x = 1 %}` is not.
      const close = tokens.findIndex((candidate, i) => i > index && candidate.type === 'CloseStatement');
      const assigns = tokens.slice(index, close === -1 ? undefined : close).some((t) => t.type === 'Equals');
      if (!assigns) blocks.push({ name: 'set', index });
    } else if (BLOCK_STATEMENTS.has(name.value)) {
      blocks.push({ name: name.value, index });
    } else if (name.value.startsWith('end')) {
      const opened = blocks.findLastIndex((block) => block.name === name.value.slice(3));
      if (opened !== -1) blocks.splice(opened);
    }
  });
  if (openTag !== undefined) return { label: `"${tokens[openTag]!.value}"`, index: openTag };
  const innermost = blocks.at(-1);
  return innermost && { label: `"{% ${innermost.name} %}"`, index: innermost.index };
}

/**
 * Where each token starts in the lexed text, found by walking the text alongside the tokens. The lexer only drops
 * whitespace and `{% generation %}` tags, so every token inside a tag is found verbatim (strings by their quotes).
 * Undefined when the walk loses track; positions are a diagnostic nicety, never needed for correctness.
 */
function tokenOffsets(text: string, tokens: readonly LexToken[]): number[] | undefined {
  const offsets: number[] = [];
  let cursor = 0;
  for (const token of tokens) {
    switch (token.type) {
      case 'Text':
        offsets.push(cursor);
        cursor = nextTagOpener(text, cursor)?.index ?? text.length;
        break;
      case 'OpenExpression':
      case 'OpenStatement':
      case 'Comment': {
        const opener = nextTagOpener(text, cursor);
        const expected = token.type === 'OpenExpression' ? '{{' : token.type === 'OpenStatement' ? '{%' : '{#';
        if (opener?.text !== expected) return undefined;
        offsets.push(opener.index);
        if (token.type === 'Comment') {
          const end = text.indexOf('#}', opener.index + 2);
          if (end === -1) return undefined;
          cursor = end + 2;
        } else {
          cursor = opener.index + (text[opener.index + 2] === '-' ? 3 : 2);
        }
        break;
      }
      default: {
        while (cursor < text.length && /\s/.test(text[cursor]!)) cursor++;
        const start = cursor;
        if (token.type === 'StringLiteral') {
          const quote = text[cursor];
          if (quote !== '"' && quote !== "'") return undefined;
          cursor++;
          while (cursor < text.length && text[cursor] !== quote) cursor += text[cursor] === '\\' ? 2 : 1;
          cursor++;
        } else if (
          (token.type === 'CloseExpression' || token.type === 'CloseStatement') &&
          text.startsWith(`-${token.value}`, cursor)
        ) {
          cursor += token.value.length + 1;
        } else if (text.startsWith(token.value, cursor)) {
          cursor += token.value.length;
        } else {
          return undefined;
        }
        offsets.push(start);
      }
    }
  }
  return offsets;
}

function nextTagOpener(text: string, from: number, to = text.length): { index: number; text: string } | undefined {
  const openers = /\{\{|\{%|\{#/g;
  openers.lastIndex = from;
  for (let match = openers.exec(text); match && match.index < to; match = openers.exec(text)) {
    const generation = new RegExp(GENERATION_TAG.source, 'y');
    generation.lastIndex = match.index;
    if (generation.test(text)) {
      openers.lastIndex = generation.lastIndex;
      continue;
    }
    return { index: match.index, text: match[0] };
  }
  return undefined;
}

function locate(unit: SourceUnit, offset: number): SourceLocation {
  const position = Math.min(Math.max(offset - unit.shift, 0), unit.source.length);
  const before = unit.source.slice(0, position);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: position - lineStart + 1 };
}

function at(unit: SourceUnit, offset: number | undefined, prefix: string): string {
  if (offset === undefined) return '';
  const { line, column } = locate(unit, offset);
  return `${prefix} at line ${line}, column ${column}`;
}

function withLocation(problem: string, unit: SourceUnit, offset: number | undefined): string {
  return problem + at(unit, offset, '');
}

const TOKEN_TYPE_TEXT: Readonly<Record<string, string>> = {
  OpenExpression: '"{{"',
  CloseExpression: '"}}"',
  OpenStatement: '"{%"',
  CloseStatement: '"%}"',
  OpenParen: '"("',
  CloseParen: '")"',
  OpenSquareBracket: '"["',
  CloseSquareBracket: '"]"',
  OpenCurlyBracket: '"{"',
  CloseCurlyBracket: '"}"',
  Comma: '","',
  Colon: '":"',
  Dot: '"."',
  Pipe: '"|"',
  Equals: '"="',
  Identifier: 'a name',
  StringLiteral: 'a string',
  NumericLiteral: 'a number',
  Text: 'text',
};

const END_OF_EXPRESSION = 'the end of the expression';

function describeTokenType(type: string, unit: SourceUnit): string {
  if (unit.kind === 'expression' && type === 'CloseExpression') return END_OF_EXPRESSION;
  return TOKEN_TYPE_TEXT[type] ?? type;
}

function describeToken(token: LexToken, unit?: SourceUnit, isLast = false): string {
  if (unit?.kind === 'expression' && isLast && token.type === 'CloseExpression') return END_OF_EXPRESSION;
  switch (token.type) {
    case 'StringLiteral':
      return `string ${JSON.stringify(token.value)}`;
    case 'Text':
      return `text ${JSON.stringify(token.value.length > 20 ? `${token.value.slice(0, 20)}…` : token.value)}`;
    case 'Comment':
      return 'a comment';
    default:
      return `token "${token.value}"`;
  }
}

/** Unknown filter and test names fail at run time on every value; reporting them at compile time shows typos early. */
function checkFilterAndTestNames(unit: SourceUnit, tokens: LexToken[], analysis: Analysis): void {
  const filter = analysis.filters.find((name) => !KNOWN_FILTERS.has(name));
  const test = analysis.tests.find((name) => !KNOWN_TESTS.has(name));
  if (filter === undefined && test === undefined) return;
  const [kind, name, known] =
    filter !== undefined ? (['filter', filter, KNOWN_FILTERS] as const) : (['test', test!, KNOWN_TESTS] as const);
  const index = tokens.findIndex((token, i) => {
    if (token.type !== 'Identifier' || token.value !== name) return false;
    const previous = tokens[i - 1];
    if (kind === 'filter') {
      return previous?.type === 'Pipe' || (previous?.value === 'filter' && tokens[i - 2]?.type === 'OpenStatement');
    }
    return previous?.value === 'is' || (previous?.value === 'not' && tokens[i - 2]?.value === 'is');
  });
  const offset = index === -1 ? undefined : tokenOffsets(unit.text, tokens)?.[index];
  const suggestion = closest(name, known);
  throw new TemplateError(
    withLocation(
      `unknown ${kind} "${name}"${suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`}`,
      unit,
      offset,
    ),
    { location: offset === undefined ? undefined : locate(unit, offset) },
  );
}

function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(3, name.length);
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// ---------------------------------------------------------------------------------------------------------------
// Running.

/**
 * Expressions run inside a Template (for its globals) as `{{ CAPTURE([expression]) }}`: the library hands a JS
 * function in the context the `.value` of each argument, so wrapping the expression in a list literal delivers the
 * expression's own runtime value, with its type and truthiness intact.
 */
const CAPTURE = '__groundwork_capture__';

function expressionRunner(expression: AstNode): Template {
  const runner = new Template(`{{ ${CAPTURE}([0]) }}`);
  const call: unknown = runner.parsed?.body?.[0];
  const list = isNode(call) && Array.isArray(call.args) ? call.args[0] : undefined;
  if (!isNode(call) || call.type !== 'CallExpression' || !isNode(list) || !Array.isArray(list.value)) {
    throw new Error('@huggingface/jinja: unexpected AST shape for the expression runner');
  }
  list.value[0] = expression;
  return runner;
}

function contextItems(names: ReadonlySet<string>, context: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // A null prototype keeps a variable named `__proto__` an ordinary entry.
  const items: Record<string, unknown> = Object.create(null);
  for (const name of names) {
    if (!Object.hasOwn(context, name)) continue;
    const value = context[name];
    checkContextValue(value, name, new Set());
    items[name] = value;
  }
  return items;
}

function checkContextValue(value: unknown, path: string, ancestors: Set<object>): void {
  switch (typeof value) {
    case 'function':
      throw new TemplateError(`context value "${path}" is a function; templates can only be given data`);
    case 'symbol':
    case 'bigint':
      throw new TemplateError(`context value "${path}" is a ${typeof value}, which Jinja cannot represent`);
    case 'object': {
      if (value === null) return;
      if (ancestors.has(value)) throw new TemplateError(`context value "${path}" contains itself`);
      ancestors.add(value);
      if (Array.isArray(value)) {
        value.forEach((item, index) => {
          checkContextValue(item, `${path}[${index}]`, ancestors);
        });
      } else for (const [key, item] of Object.entries(value)) checkContextValue(item, `${path}.${key}`, ancestors);
      ancestors.delete(value);
      return;
    }
    default:
      return;
  }
}

function toPlain(value: RuntimeValue): unknown {
  switch (value.type) {
    case 'IntegerValue':
    case 'FloatValue':
    case 'StringValue':
    case 'BooleanValue':
      return value.value;
    case 'NullValue':
    case 'UndefinedValue':
      return null;
    case 'FunctionValue':
      throw new TemplateError('The expression evaluates to a function, which is not a value (call it instead)');
  }
  if (Array.isArray(value.value)) return value.value.map((item) => toPlain(asRuntimeValue(item)));
  if (value.value instanceof Map) {
    // fromEntries defines own properties, so a `__proto__` key stays data.
    return Object.fromEntries([...value.value].map(([key, item]) => [String(key), toPlain(asRuntimeValue(item))]));
  }
  throw new TemplateError(`The expression evaluates to an unsupported value (${value.type})`);
}

function asRuntimeValue(value: unknown): RuntimeValue {
  if (!isRuntimeValue(value)) throw new TemplateError('The expression evaluates to an unsupported value');
  return value;
}

const VALUE_KINDS: Readonly<Record<string, string>> = {
  String: 'a string',
  Array: 'a list',
  Object: 'a mapping',
  Numeric: 'a number',
  Boolean: 'a boolean',
  Integer: 'a number',
  Float: 'a number',
  Null: 'none',
  Undefined: 'an undefined value',
  Function: 'a function',
};

function runtimeError(error: unknown): TemplateError {
  if (error instanceof TemplateError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const kind = (type: string) => VALUE_KINDS[type] ?? type;
  const problem = rewrite(message, [
    [/^Unknown (\w+)Value filter: (.*)$/s, (m) => `filter "${m[2]}" cannot be applied to ${kind(m[1]!)}`],
    [
      /^Cannot apply filter "(.*)" to type: (\w+)Value$/s,
      (m) => `filter "${m[1]}" cannot be applied to ${kind(m[2]!)}`,
    ],
  ]);
  if (problem !== undefined) return new TemplateError(problem, { cause: error });
  if (message === '' && error instanceof Error && /^(Break|Continue)Control$/.test(error.constructor.name)) {
    // The library implements break/continue as exceptions; outside a loop nothing catches them.
    return new TemplateError('"{% break %}" or "{% continue %}" is used outside a loop', { cause: error });
  }
  return new TemplateError(message === '' ? 'The template failed without a message' : message, { cause: error });
}

// ---------------------------------------------------------------------------------------------------------------
// Caches: flows render the same sources on every run.

const CACHE_LIMIT = 500;

/** A map that forgets its least recently used entry beyond `limit` entries. */
class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}

const templateCache = new LruCache<CompiledTemplate>(CACHE_LIMIT);
const expressionCache = new LruCache<CompiledExpression>(CACHE_LIMIT);
