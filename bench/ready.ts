/**
 * Time to ready on the local cluster for every profile: install (helm template + start every pod) until all workloads are ready.
 *   npx tsx bench/ready.ts [runs]
 */
import { withLocalCluster } from './local-cluster.ts';
import { listProfiles } from '../generator/profiles/files.ts';
import { summarize } from './stats.ts';

const runs = Number(process.argv[2] ?? 3);
await withLocalCluster(async (cluster) => {
  for (const profile of listProfiles()) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = Date.now();
      const release = await cluster.install({ release: `ready${i}`, valuesFiles: [profile.file] });
      times.push(Date.now() - t);
      await release.uninstall({ keepVolumes: false });
    }
    console.log(`${profile.name.padEnd(16)} time to ready: ${summarize(times)}`);
  }
});
