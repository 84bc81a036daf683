import { describe, expect, it } from 'vitest';
import { DatasetError } from './dataset-error.js';
import { detectFormat, parseDataset } from './parse-dataset.js';

/** The DatasetError a parse throws (fails the test when it does not throw one). */
function problemsOf(text: string, format: 'jsonl' | 'csv' | 'json'): DatasetError {
  try {
    parseDataset(text, format);
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error('expected a DatasetError');
}

describe('JSONL datasets', () => {
  it('reads one object per line, skips blank lines and collects every column', () => {
    const text = '{"question":"Q1","context":"C1"}\n\n{"question":"Q2","reference":"R2"}\r\n   \n';
    expect(parseDataset(text, 'jsonl')).toEqual({
      columns: ['question', 'context', 'reference'],
      rows: [
        { question: 'Q1', context: 'C1' },
        { question: 'Q2', reference: 'R2' },
      ],
    });
  });

  it('names every bad line with its number and reason, and returns no rows', () => {
    const text = ['{"a":1}', '{"a":', '[1,2]', '', '"text"', 'null', '{"a":2}'].join('\n');
    const error = problemsOf(text, 'jsonl');
    expect(error.problems.map((problem) => problem.line)).toEqual([2, 3, 5, 6]);
    expect(error.problems[0]!.message).toMatch(/^not valid JSON/);
    expect(error.problems[1]!.message).toBe('expected a JSON object ({...}), got an array');
    expect(error.problems[2]!.message).toBe('expected a JSON object ({...}), got a string');
    expect(error.problems[3]!.message).toBe('expected a JSON object ({...}), got null');
    expect(error.message).toMatch(/^line 2: not valid JSON.*\(and 3 more bad lines\)$/);
  });

  it('does not echo a long bad line back in the message', () => {
    const error = problemsOf(`{"a": ${'x'.repeat(5000)}}`, 'jsonl');
    expect(error.problems[0]!.message.length).toBeLessThan(200);
  });

  it('keeps the first 50 problems but counts them all', () => {
    const error = problemsOf(Array.from({ length: 120 }, () => 'oops').join('\n'), 'jsonl');
    expect(error.problems).toHaveLength(50);
    expect(error.total).toBe(120);
    expect(error.problems[49]!.line).toBe(50);
    expect(error.message).toContain('and 119 more bad lines');
  });

  it('refuses a file without rows', () => {
    expect(problemsOf('\n\n', 'jsonl').problems).toEqual([
      { line: 1, message: 'the file has no rows: a JSONL dataset is one JSON object per line' },
    ]);
  });
});

describe('CSV datasets', () => {
  it('reads a header and rows, keeping values as text, with quoted fields over several lines', () => {
    const text = 'question, context ,id\n"What, exactly?","line one\nline two",007\n\nQ2,C2,8\n';
    expect(parseDataset(text, 'csv')).toEqual({
      columns: ['question', 'context', 'id'],
      rows: [
        { question: 'What, exactly?', context: 'line one\nline two', id: '007' },
        { question: 'Q2', context: 'C2', id: '8' },
      ],
    });
  });

  it('reports ragged rows by their line, counting lines inside quoted fields', () => {
    const text = 'a,b\n"x\ny",1\n1,2,3\nonly\n4,5\n';
    const error = problemsOf(text, 'csv');
    expect(error.problems).toEqual([
      { line: 4, message: 'has 3 fields, the header has 2' },
      { line: 5, message: 'has 1 field, the header has 2' },
    ]);
  });

  it('refuses empty and duplicate header names', () => {
    const error = problemsOf('a,,b,a\n1,2,3,4\n', 'csv');
    expect(error.problems).toEqual([
      { line: 1, message: 'header: column 2 has no name' },
      { line: 1, message: 'header: column "a" appears twice (columns 1 and 4)' },
    ]);
  });

  it('reports a quote that is never closed', () => {
    const error = problemsOf('a,b\n1,2\n3,"four\n5,6\n', 'csv');
    expect(error.problems).toEqual([{ line: 3, message: 'a quoted field is never closed (a " is missing)' }]);
  });

  it('refuses an empty file and a header without rows', () => {
    expect(problemsOf('', 'csv').problems[0]!.message).toMatch(/^the file is empty/);
    expect(problemsOf('a,b\n', 'csv').problems).toEqual([{ line: 2, message: 'the file has a header but no rows' }]);
  });

  it('reads tab-separated files and ignores a byte-order mark', () => {
    expect(parseDataset('\uFEFFq\ta\nQ\tA\n', 'csv')).toEqual({ columns: ['q', 'a'], rows: [{ q: 'Q', a: 'A' }] });
  });
});

describe('JSON datasets', () => {
  it('reads an array of objects', () => {
    expect(parseDataset('[{"q":"a"},{"q":"b","r":1}]', 'json')).toEqual({
      columns: ['q', 'r'],
      rows: [{ q: 'a' }, { q: 'b', r: 1 }],
    });
  });

  it('names the line of each element that is not an object', () => {
    const text = '[\n  {"q": "a, [b]"},\n  "loose",\n  {"q": "c"},\n  [1, 2]\n]';
    expect(problemsOf(text, 'json').problems).toEqual([
      { line: 3, message: 'element 2: expected an object, got a string' },
      { line: 5, message: 'element 4: expected an object, got an array' },
    ]);
  });

  it('names the line of a syntax error, and says what to send for one object per line', () => {
    const syntax = problemsOf('[\n{"q": 1},\n{"q" 2}\n]', 'json');
    expect(syntax.problems).toHaveLength(1);
    expect(syntax.problems[0]!.line).toBe(3);
    expect(syntax.problems[0]!.message).toMatch(/^not valid JSON: /);
    expect(problemsOf('{"q": 1}', 'json').problems[0]!.message).toContain('send the file as JSONL');
    expect(problemsOf('[]', 'json').problems[0]!.message).toMatch(/^the file has no rows/);
  });
});

describe('detectFormat', () => {
  it('prefers a content type that names a format, then the extension, then the text', () => {
    expect(detectFormat({ contentType: 'application/x-ndjson; charset=utf-8', fileName: 'a.csv', text: '' })).toBe(
      'jsonl',
    );
    expect(detectFormat({ contentType: 'text/plain', fileName: 'rows.CSV', text: '{}' })).toBe('csv');
    expect(detectFormat({ fileName: 'data.ndjson', text: '' })).toBe('jsonl');
    expect(detectFormat({ text: '  [{"a":1}]' })).toBe('json');
    expect(detectFormat({ text: '{"a":1}\n{"a":2}' })).toBe('jsonl');
    expect(detectFormat({ text: 'question,answer\nq,a' })).toBe('csv');
  });

  it('throws a DatasetError when nothing tells the format', () => {
    expect(() => detectFormat({ fileName: 'notes.txt', text: 'just words' })).toThrow(
      /notes\.txt: cannot tell the format/,
    );
  });
});
