import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse, stringify } from 'yaml';
import { REPO_ROOT } from '../../generator/paths.ts';
import { ALERT_CASES, promtoolTestFile } from './alert-cases.ts';
import { promtool } from './support/promtool.ts';
import { alertsOf, renderProfile, renderedRules, type RuleGroups } from './support/render.ts';

const README = fs.readFileSync(path.join(REPO_ROOT, 'charts/redis-alerts/README.md'), 'utf8');
/** GitHub's anchor of a Markdown heading. */
const anchors = new Set([...README.matchAll(/^#+ (.+)$/gm)].map((m) => m[1]!.trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')));

describe('alert rules (rendered by helm from values/ha-production.yaml)', function () {
  this.timeout(60_000);
  let fromRule: RuleGroups;
  let configMapText: string;

  before(async () => {
    const r = renderedRules(await renderProfile('ha-production'));
    fromRule = r.fromPrometheusRule;
    configMapText = r.fromConfigMapText;
  });

  it('the PrometheusRule spec.groups pass `promtool check rules`', async () => {
    const r = await promtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify(fromRule) });
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.match(/SUCCESS: 20 rules found/);
  });

  it('the ConfigMap rules file passes `promtool check rules` and holds the same rules', async () => {
    const r = await promtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': configMapText });
    expect(r.code, r.output).to.equal(0);
    expect(parse(configMapText)).to.deep.equal(fromRule);
  });

  it('every alert has a summary, a description and a runbook URL whose anchor is a README section', () => {
    for (const a of alertsOf(fromRule)) {
      expect(a.annotations.summary, a.alert).to.be.a('string').and.not.empty;
      expect(a.annotations.description, a.alert).to.be.a('string').and.not.empty;
      const [, anchor] = a.annotations.runbook_url!.split('#');
      expect(anchors, `${a.alert}: README has no section for #${anchor}`).to.include(anchor);
    }
  });

  it('every alert has a unit test case, and every case an alert', () => {
    expect(ALERT_CASES.map((c) => c.alert).sort()).to.deep.equal(alertsOf(fromRule).map((a) => a.alert).sort());
  });

  it('`promtool test rules`: each alert fires with its labels and annotations, and stays quiet on healthy input', async () => {
    const r = await promtool(['test', 'rules', 'tests.yaml'], { 'rules.yaml': configMapText, 'tests.yaml': promtoolTestFile('rules.yaml') });
    expect(r.code, r.output).to.equal(0);
    expect(r.output).to.match(/SUCCESS/);
  });

  it('`promtool test rules` fails when an expectation is wrong (the tests can fail)', async () => {
    const broken = promtoolTestFile('rules.yaml').replace('Redis redis-0 is down', 'Redis redis-9 is down');
    const r = await promtool(['test', 'rules', 'tests.yaml'], { 'rules.yaml': configMapText, 'tests.yaml': broken });
    expect(r.code).to.not.equal(0);
    expect(r.output).to.match(/RedisDown/);
  });
});

describe('alert rules follow values', function () {
  this.timeout(60_000);

  it('thresholds, `for`, severity and switches come from values', async () => {
    const manifests = await renderProfile('ha-production', {
      alerts: {
        rules: {
          memoryHigh: { threshold: 0.5, for: '7m', severity: 'critical' },
          redisDown: { enabled: false },
          replicationLag: { threshold: 2048 },
        },
      },
    });
    const alerts = alertsOf(renderedRules(manifests).fromPrometheusRule);
    const memory = alerts.find((a) => a.alert === 'RedisMemoryHigh')!;
    expect(memory.expr).to.contain('> 0.5 and');
    expect(memory.for).to.equal('7m');
    expect(memory.labels.severity).to.equal('critical');
    expect(alerts.find((a) => a.alert === 'RedisReplicationLag')!.expr).to.match(/> 2048$/);
    expect(alerts.map((a) => a.alert)).to.not.include('RedisDown');
  });

  it('the exporter profile (no sentinels) renders no sentinel group, and selects its own release', async () => {
    const manifests = await renderProfile('exporter', {}, 'cache');
    const { fromPrometheusRule } = renderedRules(manifests);
    expect(fromPrometheusRule.groups.map((g) => g.name)).to.deep.equal(['redis', 'redis-backup']);
    expect(alertsOf(fromPrometheusRule).find((a) => a.alert === 'RedisDown')!.expr).to.contain('job="cache-exporter"');
    const r = await promtool(['check', 'rules', 'rules.yaml'], { 'rules.yaml': stringify(fromPrometheusRule) });
    expect(r.code, r.output).to.equal(0);
  });
});
