import type { Scenario } from './scenario.ts';
import { scenarios as basics } from './basics.ts';
import { scenarios as ha } from './ha.ts';
import { scenarios as backup } from './backup.ts';
import { scenarios as observability } from './observability.ts';
import { scenarios as passwords } from './passwords.ts';
import { scenarios as appClients } from './app-clients.ts';
import { scenarios as networkPolicy } from './network-policy.ts';
import { scenarios as day2 } from './day2.ts';
import { renewalScenarios as tlsRenewal, sharedScenarios as tls } from './tls.ts';
import { scenarios as acl, userScenarios as aclUsers } from './acl.ts';

/**
 * Every scenario module, run unchanged on each cluster driver. A new module exports `scenarios` and is
 * added here (test/scenarios/registry.test.ts fails when one is left out):
 *   import { scenarios as upgrades } from './upgrades.ts';
 *   export const scenarioModules = { ..., upgrades };
 */
// ha, tls, acl, appClients and networkPolicy next to each other: their scenarios share one ha-production release.
export const scenarioModules: Record<string, Scenario[]> = { basics, backup, observability, passwords, ha, tls, acl, appClients, networkPolicy, tlsRenewal, aclUsers, day2 };
