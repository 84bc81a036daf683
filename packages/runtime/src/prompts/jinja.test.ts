import { Template } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { compileExpression, compileTemplate, TemplateError } from './jinja.js';

/** The error a call throws, so a test can look at more than its message. */
function thrown(run: () => unknown): TemplateError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TemplateError);
    return error as TemplateError;
  }
  throw new Error('expected a TemplateError, nothing was thrown');
}

const JINJA_GLOBALS = [
  'true',
  'false',
  'none',
  'True',
  'False',
  'None',
  'range',
  'namespace',
  'raise_exception',
  'strftime_now',
];

describe('compileTemplate: rendering', () => {
  it('substitutes variables and attributes', () => {
    const template = compileTemplate('Hello {{ user.name }}, you asked: {{ question }}');
    expect(template.render({ user: { name: 'Ada' }, question: 'why?' })).toBe('Hello Ada, you asked: why?');
  });

  it('runs loops with the loop variable', () => {
    const template = compileTemplate(
      '{% for m in messages %}{{ loop.index }}. {{ m.role }}: {{ m.text }}\n{% endfor %}',
    );
    const messages = [
      { role: 'user', text: 'hi' },
      { role: 'assistant', text: 'hello' },
    ];
    expect(template.render({ messages })).toBe('1. user: hi\n2. assistant: hello\n');
  });

  it('takes the branch the condition selects', () => {
    const template = compileTemplate('{% if score > 0.5 %}high{% elif score > 0.2 %}mid{% else %}low{% endif %}');
    expect(template.render({ score: 0.9 })).toBe('high');
    expect(template.render({ score: 0.3 })).toBe('mid');
    expect(template.render({ score: 0 })).toBe('low');
  });

  it('applies filters, with and without arguments', () => {
    const template = compileTemplate('{{ name | upper }} {{ tags | join(", ") }} {{ missing | default("n/a") }}');
    expect(template.render({ name: 'ada', tags: ['a', 'b'] })).toBe('ADA a, b n/a');
  });

  it('renders a missing variable as empty text', () => {
    expect(compileTemplate('[{{ nothing }}]').render({})).toBe('[]');
  });

  it('handles whitespace exactly like the library Template', () => {
    const source = '{% for x in xs %}\n  {{ x }}\n{% endfor %}\ndone\n';
    const context = { xs: [1, 2] };
    expect(compileTemplate(source).render(context)).toBe(new Template(source).render(context));
  });

  it('accepts a variable named like an Object.prototype member', () => {
    const context = JSON.parse('{"__proto__": "data", "constructor": "more"}') as Record<string, unknown>;
    expect(compileTemplate('{{ __proto__ }} {{ constructor }}').render(context)).toBe('data more');
  });

  it('lets a global win over a context entry of the same name', () => {
    expect(compileTemplate('{{ range(2) }}').render({ range: 5 })).toBe('[0, 1]');
  });

  it('ignores context entries the template does not read', () => {
    expect(compileTemplate('{{ a }}').render({ a: 1, unrelated: () => 'never called' })).toBe('1');
  });
});

describe('compileTemplate: runtime errors', () => {
  it('wraps a library error in a TemplateError with the original as cause', () => {
    const error = thrown(() => compileTemplate('{{ n | upper }}').render({ n: 3 }));
    expect(error.message).toBe('filter "upper" cannot be applied to a number');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.cause).not.toBeInstanceOf(TemplateError);
  });

  it('passes raise_exception messages through', () => {
    expect(() => compileTemplate('{{ raise_exception("bad input") }}').render({})).toThrow(
      new TemplateError('bad input'),
    );
  });

  it('names break outside a loop', () => {
    expect(() => compileTemplate('{% break %}').render({})).toThrow(/"{% break %}" or "{% continue %}"/);
  });

  it('refuses functions in the context', () => {
    let called = false;
    const context = {
      helpers: {
        f: () => {
          called = true;
        },
      },
    };
    expect(() => compileTemplate('{{ helpers.f() }}').render(context)).toThrow(
      'context value "helpers.f" is a function; templates can only be given data',
    );
    expect(called).toBe(false);
  });

  it('refuses cyclic context values instead of overflowing the stack', () => {
    const node: Record<string, unknown> = { name: 'a' };
    node.self = node;
    expect(() => compileTemplate('{{ node.name }}').render({ node })).toThrow(
      'context value "node.self" contains itself',
    );
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { v: 1 };
    expect(compileTemplate('{{ pair[0].v }}{{ pair[1].v }}').render({ pair: [shared, shared] })).toBe('11');
  });
});

describe('variables', () => {
  const variables = (source: string) => compileTemplate(source).variables;

  it('lists each variable once, in order of first use', () => {
    expect(variables('{{ b }} {{ a }} {{ b }}')).toEqual(['b', 'a']);
  });

  it('excludes attribute names and reads computed subscripts', () => {
    expect(variables('{{ user.profile.name }} {{ table[key] }} {{ items[0] }} {{ text[start:stop] }}')).toEqual([
      'user',
      'table',
      'key',
      'items',
      'text',
      'start',
      'stop',
    ]);
  });

  it('excludes filter, test and keyword-argument names but reads their arguments', () => {
    expect(variables('{{ items | map(attribute="title") | join(separator) }}{{ x is defined }}')).toEqual([
      'items',
      'separator',
      'x',
    ]);
    expect(variables('{{ f(a=value, b=1) }}')).toEqual(['f', 'value']);
  });

  it('does not mistake and/or/not/in operators for variables', () => {
    expect(variables('{{ not a and b or c in d and e not in f }}')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  it('excludes the Jinja globals @huggingface/jinja defines', () => {
    expect(variables(JINJA_GLOBALS.map((name) => `{{ ${name} is defined }}`).join(''))).toEqual([]);
  });

  it('excludes for-loop targets and loop, but reads the iterable and names outside the loop', () => {
    expect(variables('{% for k, v in pairs %}{{ loop.index }}{{ k }}{{ v }}{{ other }}{% endfor %}{{ k }}')).toEqual([
      'pairs',
      'other',
      'k',
    ]);
  });

  it('reads the loop filter with the loop variable bound', () => {
    expect(variables('{% for x in xs if x.ok and flag %}{{ x }}{% else %}{{ fallback }}{% endfor %}')).toEqual([
      'xs',
      'flag',
      'fallback',
    ]);
  });

  it('excludes set targets, but not outside the loop that set them', () => {
    expect(variables('{% set greeting = "hi " ~ name %}{{ greeting }}')).toEqual(['name']);
    expect(variables('{% for x in xs %}{% set last = x %}{% endfor %}{{ last }}')).toEqual(['xs', 'last']);
    expect(variables('{% set a, b = pair %}{{ a }}{{ b }}')).toEqual(['pair']);
    expect(variables('{% set block %}{{ body }}{% endset %}{{ block }}')).toEqual(['body']);
  });

  it('reads the namespace behind an attribute assignment', () => {
    expect(
      variables('{% set ns = namespace(n=0) %}{% for x in xs %}{% set ns.n = ns.n + x %}{% endfor %}{{ ns.n }}'),
    ).toEqual(['xs']);
    expect(variables('{% set counter.n = 1 %}')).toEqual(['counter']);
  });

  it('excludes macro names, parameters and implicit macro names, but reads defaults and other names', () => {
    const source =
      '{% macro greet(name, greeting=default_greeting) %}{{ greeting }} {{ name }}{{ suffix }}{{ varargs }}{{ caller }}{% endmacro %}' +
      '{{ greet(user) }}';
    expect(variables(source)).toEqual(['default_greeting', 'suffix', 'user']);
  });

  it('handles call blocks and filter blocks', () => {
    const source =
      '{% macro box() %}[{{ caller(inner) }}]{% endmacro %}' +
      '{% call(item) box() %}{{ item }}{{ outer }}{% endcall %}' +
      '{% filter upper %}{{ shout }}{% endfilter %}';
    expect(variables(source)).toEqual(['inner', 'outer', 'shout']);
  });

  it('reads dict keys that are names, ternary parts in source order, and call arguments', () => {
    expect(variables('{{ {"k": v, w: 1} }}{{ a if b else c }}{{ range(n) }}')).toEqual(['v', 'w', 'a', 'b', 'c', 'n']);
  });

  it('treats a name assigned anywhere in a scope as bound in all of it (documented approximation)', () => {
    const template = compileTemplate('{{ x }}{% set x = 2 %}{{ x }}');
    expect(template.variables).toEqual([]);
    // The library still reads the context before the assignment, and rendering passes that value through.
    expect(template.render({ x: 1 })).toBe('12');
    expect(variables('{% if c %}{% set t = 1 %}{% endif %}{{ t }}')).toEqual(['c']);
  });

  it('analyses expressions the same way', () => {
    expect(compileExpression('score > threshold and answer | length > 0 and range(3) | length').variables).toEqual([
      'score',
      'threshold',
      'answer',
    ]);
  });
});

describe('Jinja globals', () => {
  it.each(JINJA_GLOBALS)('%s is defined without any context', (name) => {
    expect(compileExpression(`${name} is defined`).evaluate({})).toBe(true);
  });
});

describe('filters', () => {
  // Every name the compile-time check accepts, each shown working (the library has no registry to list them from).
  it.each([
    ['abs', 'n | abs', { n: -2 }, 2],
    ['bool', 'flag | bool', { flag: true }, true],
    ['capitalize', '"ada" | capitalize', {}, 'Ada'],
    ['default', 'missing | default(1)', {}, 1],
    [
      'dictsort',
      '{"b": 1, "a": 2} | dictsort',
      {},
      [
        ['a', 2],
        ['b', 1],
      ],
    ],
    ['first', '[1, 2] | first', {}, 1],
    ['float', '"2.5" | float', {}, 2.5],
    ['get', '{"a": 1} | get("a")', {}, 1],
    ['indent', '"a\nb" | indent(2)', {}, 'a\n  b'],
    ['int', '"42" | int', {}, 42],
    ['items', '{"a": 1} | items', {}, [['a', 1]]],
    ['join', '["a", "b"] | join("-")', {}, 'a-b'],
    ['keys', '{"a": 1} | keys', {}, ['a']],
    ['last', '[1, 2] | last', {}, 2],
    ['length', '"abc" | length', {}, 3],
    ['list', '[1] | list', {}, [1]],
    ['lower', '"AB" | lower', {}, 'ab'],
    ['map', 'xs | map(attribute="a")', { xs: [{ a: 1 }] }, [1]],
    ['rejectattr', 'xs | rejectattr("ok")', { xs: [{ ok: true }, { ok: false }] }, [{ ok: false }]],
    ['replace', '"aXa" | replace("X", "-")', {}, 'a-a'],
    ['reverse', '[1, 2] | reverse', {}, [2, 1]],
    ['safe', '"<b>" | safe', {}, '<b>'],
    ['selectattr', 'xs | selectattr("ok")', { xs: [{ ok: true }, { ok: false }] }, [{ ok: true }]],
    ['sort', '[2, 1] | sort', {}, [1, 2]],
    ['string', '3 | string', {}, '3'],
    ['title', '"a b" | title', {}, 'A B'],
    ['tojson', '{"a": [1]} | tojson', {}, '{"a": [1]}'],
    ['trim', '" a " | trim', {}, 'a'],
    ['unique', '[1, 1, 2] | unique', {}, [1, 2]],
    ['upper', '"a" | upper', {}, 'A'],
    ['values', '{"a": 1} | values', {}, [1]],
  ])('%s', (_, source, context, expected) => {
    expect(compileExpression(source).evaluate(context)).toEqual(expected);
  });
});

describe('compileExpression: evaluate', () => {
  const evaluate = (source: string, context: Record<string, unknown> = {}) =>
    compileExpression(source).evaluate(context);

  it('returns numbers', () => {
    expect(evaluate('n + 1', { n: 2 })).toBe(3);
    expect(evaluate('n / 4', { n: 2 })).toBe(0.5);
    expect(evaluate('-n', { n: 2 })).toBe(-2);
    expect(evaluate('items | length', { items: [1, 2, 3] })).toBe(3);
  });

  it('returns strings', () => {
    expect(evaluate('q | upper', { q: 'hi' })).toBe('HI');
    expect(evaluate('a ~ "-" ~ b', { a: 'x', b: 1 })).toBe('x-1');
  });

  it('returns booleans', () => {
    const expression = compileExpression('score > 0.5 and answer | length > 0');
    expect(expression.evaluate({ score: 0.7, answer: 'yes' })).toBe(true);
    expect(expression.evaluate({ score: 0.7, answer: '' })).toBe(false);
    expect(evaluate('x is defined', { x: 0 })).toBe(true);
    expect(evaluate('x is defined')).toBe(false);
  });

  it('returns lists as real arrays', () => {
    const value = evaluate('items | map(attribute="a") | list', { items: [{ a: 1 }, { a: 'z' }] });
    expect(value).toEqual([1, 'z']);
    expect(Array.isArray(value)).toBe(true);
    expect(evaluate('(1, "two")')).toEqual([1, 'two']);
  });

  it('returns dicts as plain objects', () => {
    const value = evaluate('{"x": q | upper, "n": items | length, "nested": {"ok": true}}', { q: 'a', items: [1] });
    expect(value).toEqual({ x: 'A', n: 1, nested: { ok: true } });
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(evaluate('namespace(a=1)')).toEqual({ a: 1 });
  });

  it('returns null for none and for undefined, at any depth', () => {
    expect(evaluate('none')).toBeNull();
    expect(evaluate('missing')).toBeNull();
    expect(evaluate('x if false', { x: 1 })).toBeNull();
    expect(evaluate('[missing, {"k": obj.absent}]', { obj: {} })).toEqual([null, { k: null }]);
  });

  it('hands context values back as they went in', () => {
    const doc = { title: 'T', tags: ['a', 'b'], meta: { score: 0.25, draft: false, parent: null } };
    expect(evaluate('doc', { doc })).toEqual(doc);
  });

  it('refuses to return a function', () => {
    expect(() => evaluate('range')).toThrow(TemplateError);
    expect(evaluate('range(3)')).toEqual([0, 1, 2]);
  });

  it('wraps runtime failures in TemplateError', () => {
    const error = thrown(() => evaluate('a - b', { a: 'text', b: 1 }));
    expect(error.cause).toBeInstanceOf(Error);
  });
});

describe('compileExpression: test', () => {
  const truthy = (source: string, context: Record<string, unknown> = {}) => compileExpression(source).test(context);

  it.each([
    ['empty string', ''],
    ['empty list', []],
    ['empty dict', {}],
    ['zero', 0],
    ['none', null],
    ['false', false],
  ])('%s is false', (_, value) => {
    expect(truthy('v', { v: value })).toBe(false);
  });

  it.each([
    ['text', 'a'],
    ['a list of a falsy item', [0]],
    ['a dict', { a: 0 }],
    ['a number', -1],
    ['true', true],
  ])('%s is true', (_, value) => {
    expect(truthy('v', { v: value })).toBe(true);
  });

  it('treats undefined as false', () => {
    expect(truthy('v')).toBe(false);
    expect(truthy('v.missing.deeper', { v: {} })).toBe(false);
  });

  it('uses the value of and/or like Jinja', () => {
    expect(truthy('a or b', { a: '', b: [1] })).toBe(true);
    expect(compileExpression('a or b').evaluate({ a: '', b: [1] })).toEqual([1]);
  });
});

describe('the single-expression contract', () => {
  it.each([
    ['a }}{{ b', 'An expression is written without "{{ }}", "{% %}" or "{# #}" delimiters, but found token "}}"'],
    ['a }}', 'An expression is written without'],
    ['{{ a }}', 'An expression is written without'],
    ['{% if a %}', 'An expression is written without'],
    ['a {# comment #}', 'Unexpected character "#"'],
    ['{% generation %}a', 'An expression cannot contain a "{% generation %}" tag'],
    ['', 'The expression is empty'],
    ['   ', 'The expression is empty'],
    ['a, b', 'Expected the end of the expression but found token ","'],
    ['a b', 'Expected the end of the expression but found token "b"'],
  ])('rejects %j', (source, message) => {
    expect(() => compileExpression(source)).toThrow(TemplateError);
    expect(() => compileExpression(source)).toThrow(message);
  });

  it('does not evaluate the second half of an escape attempt', () => {
    expect(() => compileExpression('a }}{{ raise_exception("escaped") }}{{ b')).toThrow(/delimiters/);
  });

  it('accepts "}}" where it is not a delimiter', () => {
    expect(compileExpression('{"a": {"b": 1}}').evaluate({})).toEqual({ a: { b: 1 } });
    expect(compileExpression('x ~ "}}{%"').evaluate({ x: 'a' })).toBe('a}}{%');
  });

  it('reads a leading minus as negation, not as whitespace control', () => {
    expect(compileExpression('-1 + n').evaluate({ n: 3 })).toBe(2);
  });
});

describe('syntax errors', () => {
  it.each([
    ['{{ a b }}', 'Expected "}}" but found token "b" at line 1, column 6'],
    ['Hi\n  {{ user.name }', 'Expected "}}" but found token "}" at line 2, column 16'],
    ['{{ a + }}', 'Unexpected token "}}" at line 1, column 8'],
    ['{{ x | uper }}', 'unknown filter "uper" (did you mean "upper"?) at line 1, column 8'],
    ['{{ y is divisibleby }}', 'unknown test "divisibleby" at line 1, column 9'],
    ['{% include "other.j2" %}', 'Unknown or unsupported statement "{% include %}" at line 1, column 4'],
    ['x\n{% endfor %}', '"{% endfor %}" has no matching "{% for %}" at line 2, column 4'],
    [
      'Hi\n{% for a in b %}\n{{ a }}',
      'Unexpected end of template: "{% for %}" opened at line 2, column 1 is never closed',
    ],
    ['Hello {{ name', 'Unexpected end of template: "{{" at line 1, column 7 is never closed'],
    ['ab\n {{ "abc }} more', 'Unterminated string literal at line 2, column 5'],
    ['{{ a $ b }}', 'Unexpected character "$" at line 1, column 6'],
    ['a {# note', 'Comment "{#" is never closed at line 1, column 3'],
  ])('%j', (source, message) => {
    expect(thrown(() => compileTemplate(source)).message).toBe(message);
  });

  it('carries the location and the library error', () => {
    const error = thrown(() => compileTemplate('line one\n{{ a b }}'));
    expect(error.location).toEqual({ line: 2, column: 6 });
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.name).toBe('TemplateError');
  });

  it('places expression errors within the expression source', () => {
    expect(thrown(() => compileExpression('score >')).message).toBe(
      'Unexpected end of the expression at line 1, column 8',
    );
    expect(thrown(() => compileExpression('(a')).message).toBe(
      'Expected ")" but found the end of the expression at line 1, column 3',
    );
    expect(thrown(() => compileExpression('answer | lenght > 0')).message).toBe(
      'unknown filter "lenght" (did you mean "length"?) at line 1, column 10',
    );
    expect(thrown(() => compileExpression('x == "abc')).location).toEqual({ line: 1, column: 6 });
  });
});

describe('sandbox', () => {
  const globals = globalThis as Record<string, unknown>;

  it.each([
    '{{ x.constructor }}',
    '{{ x.__proto__ }}',
    '{{ x["constructor"] }}',
    '{{ x.__class__ }}',
    '{{ x.toString }}',
    '{{ x.hasOwnProperty }}',
    '{{ "".constructor }}',
    '{{ [].constructor }}',
    '{{ range.constructor }}',
    '{{ items.constructor }}',
  ])('%s reaches nothing', (source) => {
    expect(compileTemplate(source).render({ x: {}, items: [1] })).toBe('');
  });

  it.each([
    '{{ "".constructor.constructor("globalThis.__groundworkEscaped = true")() }}',
    '{{ x.constructor.constructor("globalThis.__groundworkEscaped = true")() }}',
    '{{ x.__proto__.constructor.constructor("globalThis.__groundworkEscaped = true")() }}',
  ])('%s does not run host code', (source) => {
    expect(() => compileTemplate(source).render({ x: {} })).toThrow(TemplateError);
    expect(globals.__groundworkEscaped).toBeUndefined();
  });

  it('does not run host code from an expression either', () => {
    const expression = compileExpression('"".constructor.constructor("globalThis.__groundworkEscaped = true")()');
    expect(() => expression.evaluate({})).toThrow(TemplateError);
    expect(globals.__groundworkEscaped).toBeUndefined();
  });

  it('keeps a __proto__ key as data instead of polluting prototypes', () => {
    const value = compileExpression('{"__proto__": {"polluted": true}}').evaluate({}) as object;
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const context = JSON.parse('{"data": {"__proto__": {"polluted": true}}}') as Record<string, unknown>;
    expect(compileExpression('data').evaluate(context)).toEqual(context.data);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('caching', () => {
  it('returns the same compiled object for the same source', () => {
    expect(compileTemplate('Hi {{ who }}')).toBe(compileTemplate('Hi {{ who }}'));
    expect(compileExpression('n > 1')).toBe(compileExpression('n > 1'));
    expect(compileExpression('n > 1')).not.toBe(compileExpression('n > 2'));
  });

  it('shares immutable objects', () => {
    const template = compileTemplate('{{ a }}');
    expect(Object.isFrozen(template)).toBe(true);
    expect(Object.isFrozen(template.variables)).toBe(true);
  });

  it('forgets the least recently used source beyond 500 entries', () => {
    const unique = (label: string) => `"${label}-${Math.random()}"`;
    const kept = unique('kept');
    const dropped = unique('dropped');
    const keptCompiled = compileExpression(kept);
    const droppedCompiled = compileExpression(dropped);
    for (let i = 0; i < 250; i++) compileExpression(unique(`a${i}`));
    expect(compileExpression(kept)).toBe(keptCompiled);
    for (let i = 0; i < 499; i++) compileExpression(unique(`b${i}`));
    expect(compileExpression(kept)).toBe(keptCompiled);
    expect(compileExpression(dropped)).not.toBe(droppedCompiled);
  });
});
