import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { defaults } from '../../generator/model/dsl.ts';
import { sentinelModel } from '../../generator/model/sentinel.ts';
import type { SentinelTimings } from '../support/sentinel-elections.ts';
import { PROFILES_DIR } from '../../generator/paths.ts';
import type { Cluster, Release, SecretSpec } from '../../cluster/driver.ts';

/** A behaviour claim, written once and run through the Cluster driver on any cluster (the local cluster, kind, a user's). */
export interface Scenario {
  name: string;
  /** Profile under values/ (without .yaml). */
  profile: string;
  /** Overrides merged after the profile. */
  values?: Record<string, unknown>;
  timeoutMs?: number;
  /** The chart the runner installs first (e.g. the last release's); this checkout's umbrella chart by default. */
  chartDir?: () => string;
  /**
   * Set when the scenario may run on the release the previous scenario of its module left (same profile, values and
   * chart, same sharing): the runner waits until `settle` says that release is back to its steady state instead of
   * installing a new one. Unset: a fresh release (the scenario depends on how an install starts).
   */
  sharesRelease?: ReleaseSharing;
  /** Secrets created before the install (what the values' existingSecret keys name), for the release's name and namespace. */
  secrets?: (at: { release: string; namespace: string }) => SecretSpec[];
  /** Installs a new release even when the previous scenario left one to share (it passes its own on). */
  freshInstall?: boolean;
  run(release: Release, cluster: Cluster): Promise<void>;
  /** What to print about the release when the scenario fails (roles, logs), before it is uninstalled. */
  diagnose?(release: Release): Promise<string>;
}

/** How scenarios that share a release see it settled between them. */
export interface ReleaseSharing {
  settle(release: Release): Promise<void>;
}

export const profileFile = (name: string) => path.join(PROFILES_DIR, `${name}.yaml`);

/** down-after and failover-timeout as a profile sets them (the chart's defaults where it does not). */
export function profileSentinelTimings(name: string): SentinelTimings {
  const sentinel = (parse(readFileSync(profileFile(name), 'utf8')) as { sentinel?: Record<string, unknown> }).sentinel ?? {};
  const defaultsOf = defaults(sentinelModel) as Record<string, unknown>;
  const ms = (key: string) => Number(sentinel[key] ?? defaultsOf[key]);
  return { downAfterMs: ms('downAfterMilliseconds'), failoverTimeoutMs: ms('failoverTimeout') };
}

let counter = 0;
/** A release name unique within this test process (two scenarios never share volumes). */
export function releaseName(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid.toString(36)}-${counter}`.slice(0, 30);
}
