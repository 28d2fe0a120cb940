import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node as YamlNode } from 'yaml';

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

/** A parsed YAML file that can tell the line and column of any key path. */
export class LocatedYaml {
  readonly doc: Document;
  private readonly lines = new LineCounter();

  constructor(readonly file: string, text: string) {
    this.doc = parseDocument(text, { lineCounter: this.lines, prettyErrors: false });
  }

  get value(): unknown {
    return this.doc.toJS() ?? {};
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
    return { file: this.file, ...this.locate(path), key: path.join('.'), message, fix };
  }

  warningAt(path: (string | number)[], message: string, fix: string): Diagnostic {
    return { ...this.at(path, message, fix), severity: 'warning' };
  }

  syntaxErrors(): Diagnostic[] {
    return this.doc.errors.map((e) => {
      const { line, col } = this.lines.linePos(e.pos[0]);
      return { file: this.file, line, column: col, key: '', message: `YAML syntax error: ${e.message.split('\n')[0]}`, fix: 'Fix the YAML syntax (indentation, colons, quotes).' };
    });
  }
}
