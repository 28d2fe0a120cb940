/** A file to write, relative to the repository root. */
export interface OutputFile {
  path: string;
  content: string;
}
