import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../../generator/paths.ts';
import { scenarioModules } from './index.ts';

const DIR = path.join(REPO_ROOT, 'test', 'scenarios');

describe('scenario registry', () => {
  it('test/scenarios/index.ts lists every module that exports scenarios, so every driver runs them', async () => {
    const modules = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts').sort();
    const registered = new Set(Object.values(scenarioModules).flat().map((s) => s.name));
    const unregistered: string[] = [];
    for (const f of modules) {
      const mod = (await import(path.join(DIR, f))) as { scenarios?: Array<{ name: string }> };
      if (Array.isArray(mod.scenarios) && mod.scenarios.some((s) => !registered.has(s.name))) unregistered.push(f);
    }
    expect(unregistered, 'modules missing from test/scenarios/index.ts').to.deep.equal([]);
  });
});
