import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../src/core/errors';
import { docSection } from './support/docs';

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory()
        ? sources(path.join(dir, entry.name))
        : entry.name.endsWith('.ts')
          ? [path.join(dir, entry.name)]
          : [],
    );
}

/** The rows of the API guide's "Error codes" table: code, HTTP status, when, what to do. */
function guideTable(): { code: string; status: string; when: string; action: string }[] {
  return docSection('docs/api-guide.md', 'Error codes')
    .split('\n')
    .filter((line) => /^\| `[A-Z_]+` \|/.test(line))
    .map((line) => {
      const [code, status, when, action] = line
        .slice(1, -1)
        .split(' | ')
        .map((cell) => cell.trim());
      return { code: code.replace(/`/g, ''), status, when, action };
    });
}

/**
 * Where the source gives an error its code: a domain error, an `extensions.code`, an
 * error body or a refusal made with a code.
 */
const CODE_GIVEN = [
  /DomainError\(\s*'([A-Z][A-Z_]+)'/g,
  /super\(\s*'([A-Z][A-Z_]+)'/g,
  /extensions: \{ code: '([A-Z][A-Z_]+)'/g,
  /errorBody\([^;]*?'([A-Z][A-Z_]+)'/g,
  /refusal\(\s*'([A-Z][A-Z_]+)'/g,
];

describe('the error codes', () => {
  const files = sources('src').map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));

  it('are one list in the source, and the API guide gives each its status, when and what to do', () => {
    const rows = guideTable();
    expect(rows.map((row) => row.code)).toEqual([...ERROR_CODES]);
    for (const row of rows) {
      expect({
        code: row.code,
        status: /\b[245]\d\d\b/.test(row.status),
        when: !!row.when,
        action: !!row.action,
      }).toEqual({ code: row.code, status: true, when: true, action: true });
    }
  });

  it('list every code the source gives, and only those', () => {
    const given = new Set(
      files.flatMap(({ text }) =>
        CODE_GIVEN.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1])),
      ),
    );
    expect([...given].filter((code) => !(ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    // Each code of the list is answered somewhere: named in the source outside the list itself.
    const elsewhere = files.filter(({ file }) => file !== path.join('src', 'core', 'errors.ts'));
    const unused = ERROR_CODES.filter((code) => !elsewhere.some(({ text }) => text.includes(`'${code}'`)));
    expect(unused).toEqual([]);
  });
});
