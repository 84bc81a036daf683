import Papa from 'papaparse';
import { ProblemList } from './dataset-error.js';
import type { DatasetRow } from './parse-json.js';

/**
 * CSV with a header row, through papaparse (RFC 4180 quoting, fields over several lines). Values stay text, as
 * written: "007" is not the number 7; a flow input of another type converts them where it needs to. The delimiter
 * is a comma unless the header has none and has tabs or semicolons (TSV, the CSV of European spreadsheets).
 */
export function parseCsv(text: string): { columns: string[]; rows: DatasetRow[] } {
  const problems = new ProblemList();
  const delimiter = guessDelimiter(text);
  // Set inside papaparse's callback (a holder, so TypeScript does not narrow it to undefined after the parse).
  const found: { header?: string[]; line: number } = { line: 1 };
  const rows: DatasetRow[] = [];
  // Line numbers are counted as the parse goes: a quoted field may span lines, so a row's index is not its line.
  let rowStart = 0;
  let line = 1;
  const advanceTo = (offset: number) => {
    for (
      let index = text.indexOf('\n', rowStart);
      index !== -1 && index < offset;
      index = text.indexOf('\n', index + 1)
    )
      line++;
    rowStart = offset;
  };

  Papa.parse<string[]>(text, {
    delimiter,
    skipEmptyLines: false,
    step: (result) => {
      const at = line;
      advanceTo(result.meta.cursor);
      const fields = result.data;
      if (result.errors.length > 0) {
        const error = result.errors.find((each) => each.code === 'MissingQuotes') ?? result.errors[0]!;
        problems.add(at, csvErrorMessage(error));
        return;
      }
      // Blank lines (and lines of spaces) between rows are not rows.
      if (fields.length === 1 && fields[0]!.trim() === '') return;
      const header = found.header;
      if (!header) {
        found.header = fields.map((name) => name.trim());
        found.line = at;
        checkHeader(found.header, at, problems);
        return;
      }
      if (fields.length !== header.length) {
        problems.add(
          at,
          `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`,
        );
        return;
      }
      rows.push(Object.fromEntries(header.map((name, index) => [name, fields[index]])));
    },
  });

  const { header } = found;
  if (!header) problems.add(1, 'the file is empty: a CSV dataset needs a header row and at least one row');
  else if (rows.length === 0 && problems.total === 0) problems.add(found.line + 1, 'the file has a header but no rows');
  problems.throwIfAny();
  return { columns: header!, rows };
}

function checkHeader(header: string[], line: number, problems: ProblemList): void {
  const seen = new Map<string, number>();
  header.forEach((name, index) => {
    if (name === '') problems.add(line, `header: column ${index + 1} has no name`);
    else if (seen.has(name))
      problems.add(line, `header: column "${name}" appears twice (columns ${seen.get(name)! + 1} and ${index + 1})`);
    else seen.set(name, index);
  });
}

function guessDelimiter(text: string): string {
  const end = text.indexOf('\n');
  const first = end === -1 ? text : text.slice(0, end);
  if (first.includes(',')) return ',';
  if (first.includes('\t')) return '\t';
  if (first.includes(';')) return ';';
  return ',';
}

function csvErrorMessage(error: Papa.ParseError): string {
  switch (error.code) {
    case 'MissingQuotes':
      return 'a quoted field is never closed (a " is missing)';
    case 'InvalidQuotes':
      return 'a quoted field has text after its closing quote (write a " inside a quoted field as "")';
    default:
      return error.message;
  }
}
