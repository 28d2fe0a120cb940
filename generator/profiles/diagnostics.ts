import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node as YamlNode } from 'yaml';
import { HELM_YAML, helmReadingProblems, type HelmReadingProblem } from './helm-yaml.ts';
import { readValues } from './yaml-values.ts';

/** One problem in a profile: where it is, what is wrong, what would be valid. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  /** Dotted key path, e.g. `sentinel.quorum`. */
  key: string;
  message: string;
  fix: string;
  /** A warning does not make the profile invalid: the setup may still work (e.g. a node instance role). Absent: an error. */
  severity?: 'warning';
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.column}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.key || '(root)'}: ${d.message}. ${d.fix}`;
}

export const isWarning = (d: Diagnostic): boolean => d.severity === 'warning';
export const errorsIn = (ds: Diagnostic[]): Diagnostic[] => ds.filter((d) => !isWarning(d));

/** The dotted key of a path, as a Diagnostic names it; an empty key is shown as `""`, so that it can be seen. */
export const keyPath = (path: readonly (string | number)[]): string => path.map((k) => (k === '' ? '""' : k)).join('.');

/** A parsed YAML file that can tell the line and column of any key path. */
export class LocatedYaml {
  readonly doc: Document;
  /** The values, as Helm reads them; `{}` when Helm could not read them (then syntaxErrors() says why). */
  readonly value: unknown = {};
  private readonly lines = new LineCounter();
  private readonly helmProblems: HelmReadingProblem[];
  private readonly valuesProblem: { problem: string; offset: number } | undefined;

  constructor(readonly file: string, text: string) {
    this.doc = parseDocument(text, { ...HELM_YAML, lineCounter: this.lines, prettyErrors: false });
    this.helmProblems = helmReadingProblems(this.doc, text);
    const read = readValues(this.doc);
    if ('value' in read) this.value = read.value;
    else this.valuesProblem = read;
  }

  /** Position of the deepest existing node on the path (the key itself where it exists). */
  locate(path: (string | number)[]): { line: number; column: number } {
    let node: YamlNode | null | undefined = this.doc.contents;
    let offset = node?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        offset = (pair.key as YamlNode).range?.[0] ?? offset;
        node = pair.value as YamlNode | null;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as YamlNode | undefined;
        if (!item) break;
        offset = item.range?.[0] ?? offset;
        node = item;
      } else break;
    }
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }

  at(path: (string | number)[], message: string, fix: string): Diagnostic {
    return { file: this.file, ...this.locate(path), key: keyPath(path), message, fix };
  }

  warningAt(path: (string | number)[], message: string, fix: string): Diagnostic {
    return { ...this.at(path, message, fix), severity: 'warning' };
  }

  /** Why Helm could not read the file at all: YAML syntax, what only go-yaml refuses, aliases and merges. */
  syntaxErrors(): Diagnostic[] {
    const at = (offset: number, message: string, fix: string): Diagnostic => {
      const { line, col } = this.lines.linePos(offset);
      return { file: this.file, line, column: col, key: '', message, fix };
    };
    const syntax = [
      ...this.doc.errors.map((e) => at(e.pos[0], `YAML syntax error: ${e.message.split('\n')[0]}`, 'Fix the YAML syntax (indentation, colons, quotes).')),
      ...this.helmProblems.map((p) => at(p.offset, `YAML syntax error: ${p.problem}`, p.fix)),
    ];
    if (syntax.length || !this.valuesProblem) return syntax;
    return [at(this.valuesProblem.offset, `YAML error: ${this.valuesProblem.problem}`, 'Define each anchor (&name) before its aliases (*name) and outside the node it names, and merge (<<) only mappings.')];
  }
}
