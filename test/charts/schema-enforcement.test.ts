import path from 'node:path';
import { expect } from 'chai';
import { CHARTS_DIR, UMBRELLA_DIR } from '../../generator/paths.ts';
import { HELM_MAJORS, runHelm } from '../support/helm-runs.ts';

interface Rejection {
  claim: string;
  chartDir: string;
  set: string;
  /** What the error must name: a key path (Helm 3 writes `a.b`, Helm 4 `/a/b`) or a bare key. */
  names: string;
}

/** Helm 3 prints `sentinel.quorum`, Helm 4 `/sentinel/quorum`; an unknown key is quoted in both. */
const namePattern = (key: string) => new RegExp(`${key.replaceAll('.', '[./]')}\\b`);

const REJECTIONS: Rejection[] = [
  { claim: 'a typo of a component key (sentinnel.quorum=2)', chartDir: UMBRELLA_DIR, set: 'sentinnel.quorum=2', names: 'sentinnel' },
  { claim: 'a string for an integer (sentinel.quorum=two)', chartDir: UMBRELLA_DIR, set: 'sentinel.quorum=two', names: 'sentinel.quorum' },
  { claim: 'an unknown engine (global.engine=keydb)', chartDir: UMBRELLA_DIR, set: 'global.engine=keydb', names: 'global.engine' },
  { claim: 'the latest image tag (global.images.redis.tag=latest)', chartDir: UMBRELLA_DIR, set: 'global.images.redis.tag=latest', names: 'global.images.redis.tag' },
  { claim: 'a typo deep in global (global.topology.dataNode=3)', chartDir: UMBRELLA_DIR, set: 'global.topology.dataNode=3', names: 'dataNode' },
  { claim: 'a typo in redis-server installed on its own (confg.maxmemory=64mb)', chartDir: path.join(CHARTS_DIR, 'redis-server'), set: 'confg.maxmemory=64mb', names: 'confg' },
  { claim: 'a typo in redis-sentinel installed on its own (quorm=2)', chartDir: path.join(CHARTS_DIR, 'redis-sentinel'), set: 'quorm=2', names: 'quorm' },
];

const templateArgs = (r: Rejection) => ['template', 'cache', r.chartDir, '--set', r.set];

describe('values.schema.json enforced by helm itself', () => {
  // Start every helm run at once; each test then reads its (cached) run.
  before(async () => {
    await Promise.all(HELM_MAJORS.flatMap((helm) => REJECTIONS.map((r) => runHelm(helm, templateArgs(r)))));
  });

  for (const helm of HELM_MAJORS) {
    describe(`helm ${helm} template refuses`, () => {
      for (const r of REJECTIONS) {
        it(`${r.claim}, naming ${r.names}`, async () => {
          const run = await runHelm(helm, templateArgs(r));
          expect(run.ok, 'helm template succeeded').to.equal(false);
          expect(run.stderr).to.include("values don't meet the specifications of the schema");
          expect(run.stderr).to.match(namePattern(r.names));
        });
      }

      it('nothing when the same charts get valid values (the refusals above are the schema\'s)', async () => {
        const runs = await Promise.all([
          runHelm(helm, ['template', 'cache', UMBRELLA_DIR, '--set', 'sentinel.quorum=2', '--set', 'global.engine=valkey', '--set', 'global.images.redis.tag=7.4.2']),
          runHelm(helm, ['template', 'cache', path.join(CHARTS_DIR, 'redis-server'), '--set', 'config.maxmemory=64mb']),
        ]);
        for (const run of runs) expect(run.ok, run.stderr).to.equal(true);
      });
    });
  }
});
