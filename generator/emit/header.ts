import type { OutputFile } from './output.ts';

/**
 * The first line of a generated file: where it comes from, in the file's own comment syntax. Templates (everything
 * under templates/, Go templates whatever their extension) get a Go template comment that trims the newline after
 * it, so what Helm renders is unchanged; YAML gets `#`, shell scripts `#` after the shebang line, markdown `<!-- -->`.
 * JSON has no comments: values.schema.json and dashboard.json are left as they are.
 */
export function withHeader(file: OutputFile, source: string): OutputFile {
  const note = `generated from ${source}; edit there`;
  const { path, content } = file;
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (path.includes('/templates/')) return { path, content: `{{/* ${note} */ -}}\n${content}` };
  if (name.endsWith('.yaml')) return { path, content: `# ${note}\n${content}` };
  if (name.endsWith('.md')) return { path, content: `<!-- ${note} -->\n${content}` };
  if (name.endsWith('.json')) return file;
  if (name.endsWith('.sh')) {
    const shebang = /^#!.*\n/.exec(content)?.[0] ?? '';
    return { path, content: `${shebang}# ${note}\n${content.slice(shebang.length)}` };
  }
  throw new Error(`${path}: no comment syntax known for a generated-file header`);
}
