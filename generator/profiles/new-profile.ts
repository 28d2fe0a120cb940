import fs from 'node:fs';
import path from 'node:path';
import { PROFILES_DIR } from '../paths.ts';
import { applySets } from './set-values.ts';
import { validateProfileText } from './validate.ts';
import { errorsIn, type Diagnostic } from './diagnostics.ts';

export interface NewProfileOptions {
  name: string;
  from: string;
  set: string[];
  force: boolean;
  dir?: string;
}

export type NewProfileResult = { ok: true; file: string; warnings: Diagnostic[] } | { ok: false; diagnostics: Diagnostic[] } | { ok: false; error: string };

/** Copy a profile, apply --set overrides (keeping its comments), validate, and write values/<name>.yaml. */
export function newProfile(o: NewProfileOptions): NewProfileResult {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(o.name)) return { ok: false, error: `profile name ${JSON.stringify(o.name)}: use lower-case letters, digits and dashes, e.g. staging-ha` };
  const file = path.join(o.dir ?? PROFILES_DIR, `${o.name}.yaml`);
  if (fs.existsSync(file) && !o.force) return { ok: false, error: `${path.relative(process.cwd(), file)} exists: pass --force to overwrite it` };
  if (!fs.existsSync(o.from)) return { ok: false, error: `--from ${o.from}: no such profile` };
  const doc = applySets(fs.readFileSync(o.from, 'utf8'), o.set);
  const header = ` ${o.name}: made from ${path.basename(o.from)}${o.set.length ? ` with ${o.set.join(', ')}` : ''}.`;
  doc.commentBefore = doc.commentBefore ? `${header}\n${doc.commentBefore}` : header;
  // No padding inside flow braces: chart-testing's lintconf.yaml (braces: max-spaces-inside 0) lints profiles.
  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  const diagnostics = validateProfileText(path.relative(process.cwd(), file), text);
  if (errorsIn(diagnostics).length) return { ok: false, diagnostics };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return { ok: true, file, warnings: diagnostics };
}
