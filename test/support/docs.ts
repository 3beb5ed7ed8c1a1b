import fs from 'node:fs';

/** One section (`## <section>`, to the next) of a Markdown file: README.md or a page of docs/. */
export function docSection(file: string, section: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const start = text.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`${file} has no section "${section}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

/** The fenced blocks of one section in one language, in order: the documentation's examples are tests. */
export function docBlocks(file: string, section: string, language = 'sh'): string[] {
  const text = docSection(file, section);
  return [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]);
}
