import type { Group } from '../model/dsl.ts';

/** A file the generator writes into a chart's files/ from TypeScript sources, beside the copied ones. */
export interface GeneratedFile {
  name: string;
  content: string;
}

/**
 * Everything about one component chart, in generator/charts/<chart>/chart.ts beside its templates, files and
 * README.intro.md. The catalog collects the descriptors; the emitters read nothing else about a chart.
 */
export interface ComponentChart {
  name: string;
  /** Key of this component's values in the umbrella chart. */
  alias: 'server' | 'sentinel' | 'exporter' | 'alerts' | 'backup';
  /** Chart version: bump it when the chart's generated files change (generate refuses otherwise). */
  version: string;
  description: string;
  keywords: string[];
  /** Its values (without `global`). */
  model: Group;
  /** Values chart-testing installs this chart with on its own (ci/default-values.yaml). */
  ciValues: Record<string, unknown>;
  /** Why `ct install` does not install it on its own (it is then installed through the umbrella); absent when it does. */
  notInstalledAlone?: string;
  /** Its scripts talk to Redis: it carries the shared shell library (generator/charts/shared/files/lib.sh). */
  sharedScripts: boolean;
  /** Files written into files/ from TypeScript sources (the copied ones come from generator/charts/<chart>/files/). */
  generatedFiles?: () => GeneratedFile[];
}

/** The umbrella chart (generator/charts/redis/chart.ts): its components come from the catalog. */
export interface UmbrellaChart {
  name: 'redis';
  version: string;
  description: string;
  keywords: string[];
  /** The install command its README shows. */
  installCommand: string;
}
