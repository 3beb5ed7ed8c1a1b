import fs from 'node:fs';

/** The fenced blocks of one README section (`## <section>`) in one language, in order: the README's examples are tests. */
export function readmeBlocks(section: string, language = 'sh'): string[] {
  const readme = fs.readFileSync('README.md', 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`the README has no section "${section}"`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end < 0 ? undefined : end);
  return [...text.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((match) => match[1]);
}
