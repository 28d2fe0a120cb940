import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { validateProfile, validateProfileText, validateProfileWithSets } from '../../generator/profiles/validate.ts';
import { SetSyntaxError } from '../../generator/profiles/set-values.ts';
import { PROFILES_DIR } from '../../generator/paths.ts';
import { errorsIn, formatDiagnostic, isWarning, type Diagnostic } from '../../generator/profiles/diagnostics.ts';
import { listProfiles } from '../../generator/profiles/files.ts';
import { runCli } from '../support/cli.ts';
import type { CommandResult } from '../../toolchain/run.ts';

interface InvalidProfile {
  title: string;
  yaml: string;
  /** Dotted key path the diagnostic names; '' for the whole file. */
  key: string;
  line: number;
  /** A fragment of the message or the fix. */
  says: string;
}

const y = (...lines: string[]) => `${lines.join('\n')}\n`;

const INVALID_PROFILES: InvalidProfile[] = [
  // Unknown keys, at several depths, with a suggestion.
  { title: 'a typo of a top-level key', yaml: y('sentinnel:', '  quorum: 2'), key: 'sentinnel', line: 1, says: 'Did you mean "sentinel"?' },
  { title: 'a typo of a component key', yaml: y('server:', '  confg:', '    maxmemory: 64mb'), key: 'server.confg', line: 2, says: 'Did you mean "config"?' },
  { title: 'a typo three levels deep', yaml: y('global:', '  topology:', '    dataNode: 3'), key: 'global.topology.dataNode', line: 3, says: 'Did you mean "dataNodes"?' },
  { title: 'a typo four levels deep', yaml: y('alerts:', '  rules:', '    redisDown:', '      fro: 5m'), key: 'alerts.rules.redisDown.fro', line: 4, says: 'Did you mean "for"?' },
  { title: 'a second typo after a valid key', yaml: y('server:', '  config:', '    maxmemory: 64mb', '  persistance:', '    size: 1Gi'), key: 'server.persistance', line: 4, says: 'Did you mean "persistence"?' },
  { title: 'an unknown key with nothing close', yaml: y('backup:', '  remote:', '    s3:', '      secretKey: abc'), key: 'backup.remote.s3.secretKey', line: 4, says: 'Valid keys: provider, region' },
  // Wrong types.
  { title: 'a string for an integer', yaml: y('sentinel:', '  quorum: two'), key: 'sentinel.quorum', line: 2, says: 'Write an integer value' },
  { title: 'a quoted number for an integer', yaml: y('global:', '  topology:', '    dataNodes: "3"'), key: 'global.topology.dataNodes', line: 3, says: 'expected integer but got "3"' },
  { title: 'a fraction for an integer', yaml: y('global:', '  topology:', '    sentinels: 1.5'), key: 'global.topology.sentinels', line: 3, says: 'expected integer but got 1.5' },
  { title: 'a list for a map', yaml: y('global:', '  topology: [3, 3]'), key: 'global.topology', line: 2, says: 'Write an object value' },
  { title: 'a list for resources', yaml: y('server:', '  resources: [cpu]'), key: 'server.resources', line: 2, says: 'expected object' },
  { title: 'a map for a list', yaml: y('server:', '  config:', '    save: {"300": 10}'), key: 'server.config.save', line: 3, says: 'Write an array value' },
  { title: 'a quoted string for a boolean', yaml: y('server:', '  persistence:', '    enabled: "yes"'), key: 'server.persistence.enabled', line: 3, says: 'Write a boolean value' },
  // Labels and annotations the API server refuses.
  { title: 'a label key with spaces', yaml: y('global:', '  commonLabels:', '    "team name": cache'), key: 'global.commonLabels.team name', line: 3, says: 'Use a label or annotation key' },
  { title: 'a label value with a #', yaml: y('server:', '  podLabels:', '    team: "cache#1"'), key: 'server.podLabels.team', line: 3, says: 'Use a label value' },
  { title: 'a label value longer than 63 characters', yaml: y('exporter:', '  serviceMonitor:', '    labels:', `      release: ${'a'.repeat(64)}`), key: 'exporter.serviceMonitor.labels.release', line: 4, says: 'at most 63' },
  { title: 'an annotation key with an emoji', yaml: y('backup:', '  serviceAccount:', '    annotations:', '    "🔥": "on"'.replace('    "', '      "')), key: 'backup.serviceAccount.annotations.🔥', line: 4, says: 'Use a label or annotation key' },
  { title: 'a password with a tab', yaml: y('global:', '  auth:', '    password: "secret\\tvalue"'), key: 'global.auth.password', line: 3, says: 'Use printable ASCII only' },
  { title: 'a password with a non-ASCII letter', yaml: y('global:', '  auth:', '    password: "pässword"'), key: 'global.auth.password', line: 3, says: 'outside printable ASCII' },
  { title: 'an unquoted number for a password', yaml: y('global:', '  auth:', '    password: 12345'), key: 'global.auth.password', line: 3, says: 'Write a string value' },
  // Sentinel topology.
  { title: 'a quorum larger than the sentinels', yaml: y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 3', 'sentinel:', '  quorum: 4'), key: 'sentinel.quorum', line: 6, says: 'Set sentinel.quorum between 2 and 3' },
  { title: 'a quorum that is not a majority', yaml: y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 5', 'sentinel:', '  quorum: 2'), key: 'sentinel.quorum', line: 6, says: 'not a majority of 5 sentinels' },
  { title: 'Sentinel over a single data node', yaml: y('global:', '  topology:', '    dataNodes: 1', '    sentinels: 3'), key: 'global.topology.dataNodes', line: 3, says: 'Sentinel needs a replica' },
  { title: 'too many sentinels', yaml: y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 11'), key: 'global.topology.sentinels', line: 4, says: 'Use a value of at most 9' },
  // Memory.
  {
    title: 'seed 1: maxmemory 128mb under a 128Mi limit',
    yaml: y('server:', '  config:', '    maxmemory: 128mb', '    maxmemoryPolicy: allkeys-lru', '    appendonly: true', '  resources:', '    requests: {cpu: 50m, memory: 64Mi}', '    limits: {cpu: 100m, memory: 128Mi}'),
    key: 'server.config.maxmemory', line: 3, says: 'raise server.resources.limits.memory',
  },
  { title: 'maxmemory above the limit', yaml: y('server:', '  config:', '    maxmemory: 1gb', '  resources:', '    limits: {memory: 512Mi}'), key: 'server.config.maxmemory', line: 3, says: 'leaves too little headroom under the memory limit 512Mi' },
  { title: 'maxmemory too close to the limit with RDB snapshots', yaml: y('server:', '  config:', '    maxmemory: 100mb', '  resources:', '    limits:', '      memory: 128Mi'), key: 'server.config.maxmemory', line: 3, says: 'at or below 75% of the limit (96Mi for 128Mi)' },
  { title: 'maxmemory too close to the limit without forks', yaml: y('server:', '  config:', '    maxmemory: 120mb', '    save: []', '  resources:', '    limits: {memory: 128Mi}'), key: 'server.config.maxmemory', line: 3, says: 'at or below 90% of the limit' },
  { title: 'a maxmemory in the wrong unit', yaml: y('server:', '  config:', '    maxmemory: 3GB'), key: 'server.config.maxmemory', line: 3, says: 'Use a Redis memory size such as 256mb' },
  { title: 'a memory limit that is not a Kubernetes quantity', yaml: y('server:', '  resources:', '    limits: {memory: 4GB}'), key: 'server.resources.limits.memory', line: 3, says: 'Kubernetes quantity' },
  // Sizes and numbers.
  { title: 'a negative volume size', yaml: y('server:', '  persistence:', '    size: -1Gi'), key: 'server.persistence.size', line: 3, says: 'Use a Kubernetes quantity' },
  { title: 'a volume size in GB', yaml: y('server:', '  persistence:', '    size: 20GB'), key: 'server.persistence.size', line: 3, says: '"20GB" does not match' },
  { title: 'a negative integer', yaml: y('server:', '  config:', '    maxclients: -5'), key: 'server.config.maxclients', line: 3, says: 'Use a value of at least 1' },
  { title: 'a negative port', yaml: y('global:', '  topology:', '    redisPort: -1'), key: 'global.topology.redisPort', line: 3, says: '-1 must be >= 1' },
  { title: 'zero data nodes', yaml: y('global:', '  topology:', '    dataNodes: 0'), key: 'global.topology.dataNodes', line: 3, says: 'Use a value of at least 1' },
  // Enums.
  { title: 'an unknown engine', yaml: y('global:', '  engine: keydb'), key: 'global.engine', line: 2, says: 'Use one of: "redis", "valkey"' },
  { title: 'an unknown eviction policy', yaml: y('server:', '  config:', '    maxmemoryPolicy: lru'), key: 'server.config.maxmemoryPolicy', line: 3, says: '"allkeys-lru"' },
  { title: 'an unknown Service type', yaml: y('server:', '  service:', '    type: Ingress'), key: 'server.service.type', line: 3, says: 'Use one of: "ClusterIP", "NodePort", "LoadBalancer"' },
  // Schedules, durations, snapshots.
  { title: 'a cron schedule with 4 fields', yaml: y('backup:', '  enabled: true', '  schedule: "0 */6 * *"'), key: 'backup.schedule', line: 3, says: '5-field cron expression' },
  { title: 'a cron minute out of range', yaml: y('backup:', '  enabled: true', '  schedule: "61 * * * *"'), key: 'backup.schedule', line: 3, says: 'minute 61 is outside 0-59' },
  { title: 'a duration in words', yaml: y('alerts:', '  rules:', '    redisDown:', '      for: 5 minutes'), key: 'alerts.rules.redisDown.for', line: 4, says: 'Use a duration such as 30s, 5m or 1h' },
  { title: 'a duration without a unit', yaml: y('alerts:', '  rules:', '    redisDown:', '      for: 300'), key: 'alerts.rules.redisDown.for', line: 4, says: 'expected string but got 300' },
  { title: 'an RDB save rule without changes', yaml: y('server:', '  config:', '    save: ["900"]'), key: 'server.config.save.0', line: 3, says: 'Use "<seconds> <changes>"' },
  // Images.
  { title: 'the latest redis tag', yaml: y('global:', '  images:', '    redis:', '      tag: latest'), key: 'global.images.redis.tag', line: 4, says: '`latest` and empty tags are not allowed' },
  { title: 'the latest exporter tag', yaml: y('exporter:', '  image:', '    tag: latest'), key: 'exporter.image.tag', line: 3, says: 'is not a pinned image tag' },
  { title: 'an empty image tag', yaml: y('global:', '  images:', '    valkey:', '      tag: ""'), key: 'global.images.valkey.tag', line: 4, says: 'Pin an explicit image tag' },
  // Replication safety.
  { title: 'persistence off with replicas', yaml: y('global:', '  topology:', '    dataNodes: 3', 'server:', '  persistence:', '    enabled: false'), key: 'server.persistence.enabled', line: 6, says: 'acknowledgeDataLossWithReplicas: true' },
  { title: 'minReplicasToWrite above the replicas', yaml: y('global:', '  topology:', '    dataNodes: 2', 'server:', '  config:', '    minReplicasToWrite: 2'), key: 'server.config.minReplicasToWrite', line: 6, says: 'Set it between 0 and 1' },
  { title: 'previousPassword without a password to rotate to', yaml: y('global:', '  auth:', '    previousPassword: "old one"'), key: 'global.auth.previousPassword', line: 3, says: 'Set global.auth.password to the new password' },
  { title: 'previousPassword equal to the password', yaml: y('global:', '  auth:', '    password: same', '    previousPassword: same'), key: 'global.auth.previousPassword', line: 4, says: 'nothing is rotated' },
  { title: 'previousPassword with existingSecret', yaml: y('global:', '  auth:', '    existingSecret: app-redis', '    previousPassword: old'), key: 'global.auth.previousPassword', line: 4, says: 'existingSecretPreviousPasswordKey' },
  // ACL users.
  { title: 'an application user named as an internal one', yaml: y('global:', '  auth:', '    acl:', '      enabled: true', '      username: operator'), key: 'global.auth.acl.username', line: 5, says: 'Choose another name for the application user' },
  { title: 'ACL rules that set a password state', yaml: y('global:', '  auth:', '    acl:', '      enabled: true', '      rules: "~* +@all nopass"'), key: 'global.auth.acl.rules', line: 5, says: 'Remove nopass from global.auth.acl.rules' },
  { title: 'ACL rules with a password', yaml: y('global:', '  auth:', '    acl:', '      rules: "~* >secret"'), key: 'global.auth.acl.rules', line: 4, says: 'passwords (`>`, `<`, `#`) come from the Secret' },
  { title: 'an ACL user name with a space', yaml: y('global:', '  auth:', '    acl:', '      username: "my app"'), key: 'global.auth.acl.username', line: 4, says: 'Use an ACL user name' },
  { title: 'a further ACL user named like the application user', yaml: y('global:', '  auth:', '    acl:', '      enabled: true', '      users:', '        - name: app', '          rules: "+@read"'), key: 'global.auth.acl.users.0.name', line: 6, says: 'Give each user a name of its own' },
  { title: 'ACL users without authentication', yaml: y('global:', '  auth:', '    enabled: false', '    acl:', '      enabled: true'), key: 'global.auth.acl.enabled', line: 5, says: 'Set global.auth.enabled: true' },
  { title: 'minReplicasToWrite on a standalone server', yaml: y('server:', '  config:', '    minReplicasToWrite: 1'), key: 'server.config.minReplicasToWrite', line: 3, says: 'would refuse every write' },
  // Found by fuzzing (validate-fuzz.test.ts): what Helm reads otherwise than the yaml library, or refuses.
  { title: 'yes for a password: a boolean to Helm (YAML 1.1)', yaml: y('global:', '  auth:', '    password: yes'), key: 'global.auth.password', line: 3, says: 'expected string but got true' },
  { title: '1_000 for a password: a number to Helm (YAML 1.1)', yaml: y('global:', '  auth:', '    password: 1_000'), key: 'global.auth.password', line: 3, says: 'expected string but got 1000' },
  { title: 'a number too large for a float (1e309)', yaml: y('sentinel:', '  quorum: 1e309'), key: 'sentinel.quorum', line: 2, says: 'not a number Helm can read' },
  { title: '.inf in a free-form object', yaml: y('global:', '  podSecurityContext:', '    runAsUser: .inf'), key: 'global.podSecurityContext.runAsUser', line: 3, says: 'Write a finite number' },
  { title: 'a control character in a value', yaml: y('server:', '  config:', '    extra: "hz 10\\a"'), key: 'server.config.extra', line: 3, says: 'U+0007, which Helm cannot write into a manifest' },
  { title: 'a next-line character (a line break in YAML 1.1) in an annotation', yaml: y('server:', '  podAnnotations:', '    team: "a\\Nb"'), key: 'server.podAnnotations.team', line: 3, says: 'U+0085' },
  { title: 'a StorageClass with a colon, which breaks the manifest', yaml: y('server:', '  persistence:', '    storageClass: "fast: ssd"'), key: 'server.persistence.storageClass', line: 3, says: 'Use a Kubernetes name' },
  { title: 'a Secret key with a space', yaml: y('global:', '  auth:', '    existingSecretPasswordKey: "redis password"'), key: 'global.auth.existingSecretPasswordKey', line: 3, says: 'Use a Secret key' },
  { title: 'an unknown key named like an Object property', yaml: y('__proto__: {}'), key: '__proto__', line: 1, says: 'unknown key "__proto__"' },
  { title: 'an empty key', yaml: y('"": 1'), key: '""', line: 1, says: 'unknown key ""' },
  {
    title: 'S3 backups without credentials (the chart requires them)',
    yaml: y('backup:', '  enabled: true', '  remote:', '    type: s3', '    s3:', '      accessKeyId: AKIAEXAMPLE', '      secretAccessKey: ""'),
    key: 'backup.remote.s3.secretAccessKey', line: 7, says: 'backup.remote.s3.envAuth: true',
  },
  { title: 'Azure Blob backups without an account', yaml: y('backup:', '  enabled: true', '  remote:', '    type: azureblob', '    azureblob:', '      account: ""'), key: 'backup.remote.azureblob.account', line: 6, says: 'storage account name' },
  { title: 'local backups with the backup volume off', yaml: y('backup:', '  enabled: true', '  persistence:', '    enabled: false'), key: 'backup.persistence.enabled', line: 4, says: 'Set backup.persistence.enabled: true' },
  { title: 'an alias with no anchor', yaml: y('sentinel:', '  quorum: *nope'), key: '', line: 2, says: 'alias *nope has no anchor' },
  {
    title: 'aliases that expand a thousandfold',
    yaml: y('a: &a [x, x, x, x, x, x, x, x, x, x]', `b: &b [${Array(10).fill('*a').join(', ')}]`, `c: &c [${Array(10).fill('*b').join(', ')}]`, `d: [${Array(10).fill('*c').join(', ')}]`),
    key: '', line: 2, says: 'Excessive alias count',
  },
  { title: 'an alias inside the node it names', yaml: y('global:', '  podSecurityContext: &p', '    x: *p'), key: '', line: 3, says: 'inside the node it names' },
  { title: 'a merge of a number', yaml: y('global:', '  podSecurityContext:', '    <<: 3'), key: '', line: 3, says: 'Merge sources must be maps' },
  { title: 'a mapping as a key', yaml: y('global:', '  commonLabels:', '    ? [a, b]', '    : x'), key: '', line: 3, says: 'a key is null or a list or mapping' },
  { title: 'a core tag that does not fit the value', yaml: y('server:', '  persistence:', '    size: !!null 64Mi'), key: '', line: 3, says: 'tagged !!null' },
  { title: '!!binary that is not base64', yaml: y('server:', '  persistence:', '    storageClass: !!binary "not base64!"'), key: '', line: 3, says: 'invalid base64' },
  { title: 'a %YAML directive', yaml: y('%YAML 1.1', '---', 'server:', '  enabled: true'), key: '', line: 1, says: 'Remove the %YAML or %TAG line' },
  { title: 'a line separator in a comment: a line break to Helm', yaml: y('# one\u2028two', 'server:', '  enabled: true'), key: '', line: 1, says: 'U+2028 is a line break to Helm' },
  { title: '!!binary as the whole file', yaml: y('!!binary aGVsbG8='), key: '', line: 1, says: 'a profile must be a mapping of values' },
  // The file itself.
  { title: 'a YAML indentation error', yaml: y('server:', '  config:', '    maxmemory: 64mb', '   appendonly: true'), key: '', line: 4, says: 'YAML syntax error' },
  { title: 'duplicate keys', yaml: y('server:', '  enabled: true', '  enabled: false'), key: '', line: 3, says: 'Map keys must be unique' },
  { title: 'a list instead of a mapping', yaml: y('- server', '- sentinel'), key: '', line: 1, says: 'a profile must be a mapping of values' },
  { title: 'a plain string instead of a mapping', yaml: y('dataNodes=3'), key: '', line: 1, says: 'Start from values/dev.yaml' },
];

interface SetOverride {
  title: string;
  /** The profile under the overrides; values/dev.yaml when absent. */
  base?: string;
  sets: string[];
  /** A fragment of the SetSyntaxError, when the expression is refused. */
  refused?: string;
  /** The key a diagnostic names ('' for the whole file) and a fragment of its message or fix; neither: the result is valid. */
  key?: string;
  says?: string;
}

// --set as `up` applies and validates it. Found by fuzzing: each of these threw, or ran out of memory.
const SET_OVERRIDES: SetOverride[] = [
  { title: 'an empty key segment', sets: ['server..enabled=true'], refused: 'empty key segment' },
  { title: 'a leading dot', sets: ['.enabled=true'], refused: 'empty key segment' },
  { title: 'a list index beyond Helm\'s limit', sets: ['server.config.save[99999999]=60 100'], refused: 'list index above 65536' },
  { title: 'a line break in a key', sets: ['server.a\nb=1'], key: 'server.a\nb', says: 'unknown key' },
  { title: 'a value YAML cannot read on its own, taken as written', sets: ['global.auth.password=`id`;$(id)'] },
  { title: 'a value starting with @, taken as written', sets: ['global.auth.password=@dm1n'] },
  { title: 'a key under a string replaces the string', sets: ['global.engine.name=redis'], key: 'global.engine', says: 'expected string' },
  { title: 'a key under a list replaces the list', sets: ['server.config.save.first=60 100'], key: 'server.config.save', says: 'expected array' },
  { title: 'an override on a profile with an alias to no anchor', base: y('sentinel:', '  quorum: *nope'), sets: ['server.enabled=false'], key: '', says: 'alias *nope has no anchor' },
];

/** A fix is a sentence of its own: it starts with a capital letter or a quote and ends with a full stop. */
const FIX_SENTENCE = /^[A-Z"`].*[.]$/s;

const show = (ds: Diagnostic[]) => ds.map(formatDiagnostic).join('\n') || '(no diagnostics)';

describe('profile validation', () => {
  it(`has a table of at least 30 invalid profiles`, () => {
    expect(INVALID_PROFILES.length).to.be.at.least(30);
  });

  describe('reports each invalid profile at its key and line, with a fix', () => {
    for (const c of INVALID_PROFILES) {
      it(`${c.title}: ${c.key || '(root)'} at line ${c.line}`, () => {
        const diagnostics = validateProfileText('profile.yaml', c.yaml);
        const d = diagnostics.find((x) => x.key === c.key);
        expect(d, `no diagnostic for ${c.key || '(root)'}; got:\n${show(diagnostics)}`).to.not.equal(undefined);
        expect(d!.line, show([d!])).to.equal(c.line);
        const text = formatDiagnostic(d!);
        expect(text).to.match(new RegExp(`^profile\\.yaml:${c.line}:\\d+: ${(c.key || '(root)').replace(/[.()]/g, '\\$&')}: `));
        expect(`${d!.message}. ${d!.fix}`).to.include(c.says);
        for (const each of diagnostics) expect(each.fix, formatDiagnostic(each)).to.match(FIX_SENTENCE);
      });
    }
  });

  describe('validates --set overrides as up applies them', () => {
    const dev = fs.readFileSync(path.join(PROFILES_DIR, 'dev.yaml'), 'utf8');
    for (const c of SET_OVERRIDES) {
      it(`${c.title}: ${c.sets.map((s) => JSON.stringify(s)).join(' ')}`, () => {
        const check = () => validateProfileWithSets('profile.yaml', c.base ?? dev, c.sets);
        if (c.refused) {
          expect(check).to.throw(SetSyntaxError, c.refused).with.property('message').that.includes(JSON.stringify(c.sets[0]));
          return;
        }
        const { diagnostics } = check();
        if (c.key === undefined) {
          expect(show(errorsIn(diagnostics))).to.equal('(no diagnostics)');
          return;
        }
        const d = diagnostics.find((x) => x.key === c.key);
        expect(d, `no diagnostic for ${c.key}; got:\n${show(diagnostics)}`).to.not.equal(undefined);
        expect(`${d!.message}. ${d!.fix}`).to.include(c.says);
      });
    }

    it('quotes an override Helm would read as another type (YAML 1.1)', () => {
      const { text, diagnostics } = validateProfileWithSets('profile.yaml', dev, ['global.auth.password=yes']);
      expect(show(errorsIn(diagnostics))).to.equal('(no diagnostics)');
      expect(text).to.match(/password: "yes"/);
    });
  });

  it('puts the key on the line the diagnostic names', () => {
    for (const c of INVALID_PROFILES.filter((x) => x.key !== '')) {
      const d = validateProfileText('profile.yaml', c.yaml).find((x) => x.key === c.key);
      if (!d) continue; // reported by the table test above
      const leaf = String(c.key.split('.').at(-1));
      const lineText = c.yaml.split('\n')[d.line - 1] ?? '';
      // A key that is not in the file (a rule on a default) is reported at its nearest written parent.
      if (/^\d+$/.test(leaf)) expect(lineText, c.title).to.include('[');
      else expect([lineText, lineText.replace(/"/g, '')].some((t) => t.includes(`${leaf}:`)), `${c.title}: ${lineText}`).to.equal(true);
    }
  });

  it('accepts a password of any printable ASCII characters, and never echoes a refused one', () => {
    expect(show(validateProfileText('profile.yaml', y('global:', '  auth:', `    password: ${JSON.stringify(' p a\'ss"w#o$rd\\x41 ~')}`)))).to.equal('(no diagnostics)');
    expect(show(validateProfileText('profile.yaml', y('global:', '  auth:', '    password: "hunter2\\n"')))).to.not.include('hunter2');
  });

  it('accepts persistence off with replicas once the data loss is acknowledged', () => {
    const yaml = y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 3', 'server:', '  persistence:', '    enabled: false', '    acknowledgeDataLossWithReplicas: true');
    expect(show(validateProfileText('profile.yaml', yaml))).to.equal('(no diagnostics)');
  });

  it('accepts maxmemory at 75% of the memory limit with snapshots (seed 5: 3gb under 4Gi)', () => {
    const yaml = y('global:', '  topology: {dataNodes: 3, sentinels: 3}', 'server:', '  config:', '    maxmemory: 3gb', '    appendonly: true', '  resources:', '    limits: {memory: 4Gi}');
    expect(show(validateProfileText('profile.yaml', yaml))).to.equal('(no diagnostics)');
  });

  it('ignores the schedule of a disabled backup', () => {
    expect(show(validateProfileText('profile.yaml', y('backup:', '  enabled: false', '  schedule: "61 * * * *"')))).to.equal('(no diagnostics)');
  });

  it('accepts an empty profile as the chart defaults', () => {
    expect(show(validateProfileText('profile.yaml', '# nothing overridden\n'))).to.equal('(no diagnostics)');
  });

  it('reports every unknown key of a file, not only the first', () => {
    const ds = validateProfileText('profile.yaml', y('sentinnel: {}', 'server:', '  confg: {}', 'global:', '  topology:', '    dataNode: 3'));
    expect(ds.map((d) => d.key)).to.have.members(['sentinnel', 'server.confg', 'global.topology.dataNode']);
  });

  it('reports a missing profile file with a fix', () => {
    const [d, ...rest] = validateProfile('/nonexistent/profile.yaml');
    expect(rest).to.have.length(0);
    expect(d!.message).to.include('not found');
    expect(d!.fix).to.match(FIX_SENTENCE);
  });

  describe('the shipped profiles', () => {
    const profiles = listProfiles();

    it('are dev, exporter and ha-production', () => {
      expect(profiles.map((p) => p.name)).to.include.members(['dev', 'exporter', 'ha-production']);
    });

    for (const p of listProfiles()) {
      it(`${p.name} is valid`, () => {
        expect(show(errorsIn(validateProfile(p.file)))).to.equal('(no diagnostics)');
      });
    }

    it('warn only where a user must act: ha-production\'s S3 pod credentials need a role bound to the backup ServiceAccount', () => {
      const warnings = listProfiles().flatMap((p) => validateProfile(p.file).filter(isWarning).map((d) => `${p.name}: ${d.key}`));
      expect(warnings).to.deep.equal(['ha-production: backup.remote.s3.envAuth']);
    });
  });

  describe('the io-threads warning (more I/O threads than the CPU limit)', () => {
    const server = (ioThreads: number, cpu?: string) => y('server:', '  config:', `    ioThreads: ${ioThreads}`, ...(cpu ? ['  resources:', '    limits:', `      cpu: ${JSON.stringify(cpu)}`] : []));

    it('warns, not errors, naming the key, the limit and both fixes', () => {
      const ds = validateProfileText('profile.yaml', server(4, '2'));
      expect(ds).to.have.length(1);
      const [d] = ds;
      expect(isWarning(d!)).to.equal(true);
      expect(formatDiagnostic(d!)).to.match(/^profile\.yaml:3:5: warning: server\.config\.ioThreads: ioThreads 4 is more than the CPU limit of 2 core/);
      expect(d!.fix).to.include('at most 2').and.include('server.resources.limits.cpu to at least 4');
      expect(d!.fix).to.match(FIX_SENTENCE);
    });

    it('reads millicores, and asks for at least one thread under a limit below a core', () => {
      const [d] = validateProfileText('profile.yaml', server(2, '500m'));
      expect(d!.message).to.include('CPU limit of 500m');
      expect(d!.fix).to.include('at most 1');
    });

    it('is quiet within the limit, with one thread, or without a CPU limit', () => {
      expect(show(validateProfileText('profile.yaml', server(2, '2')))).to.equal('(no diagnostics)');
      expect(show(validateProfileText('profile.yaml', server(1, '250m')))).to.equal('(no diagnostics)');
      expect(show(validateProfileText('profile.yaml', server(8)))).to.equal('(no diagnostics)');
    });
  });

  describe('the backup pod identity warning', () => {
    const s3 = (...serviceAccount: string[]) => y('backup:', '  enabled: true', '  remote:', '    type: s3', '    s3:', '      envAuth: true', ...serviceAccount);

    it('warns, not errors, when envAuth has no ServiceAccount annotation or name, naming the key and the IRSA annotation', () => {
      const ds = validateProfileText('profile.yaml', s3());
      expect(ds).to.have.length(1);
      const [d] = ds;
      expect(isWarning(d!)).to.equal(true);
      expect(errorsIn(ds)).to.deep.equal([]);
      expect(formatDiagnostic(d!)).to.match(/^profile\.yaml:6:7: warning: backup\.remote\.s3\.envAuth: /);
      expect(d!.fix).to.include('backup.serviceAccount.annotations').and.include('eks.amazonaws.com/role-arn').and.include('backup.serviceAccount.name');
      expect(d!.fix).to.match(FIX_SENTENCE);
    });

    it('is quiet once the ServiceAccount is annotated or named', () => {
      expect(show(validateProfileText('profile.yaml', s3('  serviceAccount:', '    annotations:', '      eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/redis-backup')))).to.equal('(no diagnostics)');
      expect(show(validateProfileText('profile.yaml', s3('  serviceAccount:', '    create: false', '    name: backup-irsa')))).to.equal('(no diagnostics)');
    });

    it('is quiet without envAuth, with an existing rclone Secret, or with backups off', () => {
      expect(show(validateProfileText('profile.yaml', y('backup:', '  enabled: true', '  remote:', '    type: s3', '    s3: {accessKeyId: a, secretAccessKey: b}')))).to.equal('(no diagnostics)');
      expect(show(validateProfileText('profile.yaml', y('backup:', '  enabled: true', '  remote:', '    type: s3', '    existingSecret: rclone', '    s3:', '      envAuth: true')))).to.equal('(no diagnostics)');
      expect(show(validateProfileText('profile.yaml', y('backup:', '  enabled: false', '  remote:', '    type: s3', '    s3:', '      envAuth: true')))).to.equal('(no diagnostics)');
    });
  });

  describe('redis-charts validate', () => {
    let dir: string;
    let bad: CommandResult;
    let quorum: CommandResult;
    let good: CommandResult;
    let mixed: CommandResult;

    // The CLI runs in parallel: each start of node + tsx takes about a second.
    before(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redis-charts-validate-'));
      fs.writeFileSync(path.join(dir, 'bad.yaml'), y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 3', 'sentinel:', '  quorum: 4', 'server:', '  confg: {}'));
      fs.writeFileSync(path.join(dir, 'quorum.yaml'), y('global:', '  topology:', '    dataNodes: 3', '    sentinels: 3', 'sentinel:', '  quorum: 4'));
      const shipped = listProfiles().map((p) => p.file);
      [bad, quorum, good, mixed] = await Promise.all([
        runCli(['validate', 'bad.yaml'], dir),
        runCli(['validate', 'quorum.yaml'], dir),
        runCli(['validate', ...shipped]),
        runCli(['validate', path.join(dir, 'bad.yaml'), ...shipped]),
      ]);
    });

    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('exits 1 and prints one file:line:col: key: line per problem of a bad profile', () => {
      expect(bad.code, bad.stderr).to.equal(1);
      const lines = bad.stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^bad\.yaml:8:3: server\.confg: unknown key "confg"\. Did you mean "config"\?/);
    });

    it('reports the semantic problems once the schema passes', () => {
      expect(quorum.code).to.equal(1);
      expect(quorum.stderr.trim()).to.match(/^quorum\.yaml:6:3: sentinel\.quorum: quorum 4 is more than the 3 sentinels.*Set sentinel\.quorum between 2 and 3\.$/);
    });

    it('exits 0 on the shipped profiles, printing only their warnings', () => {
      expect(good.code, good.stderr).to.equal(0);
      const lines = good.stderr.trim().split('\n');
      expect(lines).to.have.length(1);
      expect(lines[0]).to.match(/^values\/ha-production\.yaml:\d+:\d+: warning: backup\.remote\.s3\.envAuth: /);
      expect(good.stdout).to.include('ha-production.yaml: valid (1 warning)');
    });

    it('exits 1 when one of several profiles is bad, and still checks the others', () => {
      expect(mixed.code).to.equal(1);
      expect(mixed.stdout.trim().split('\n')).to.have.length(listProfiles().length);
    });
  });
});
