/** Every benchmark in turn; each prints its own measured figures. `npm run bench` */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
for (const bench of ['generator.ts', 'ready.ts', 'throughput.ts', 'redis-benchmark.ts', 'tls.ts', 'failover.ts', 'backup.ts']) {
  console.log(`\n== bench/${bench}`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(here, bench)], { stdio: 'inherit' });
}
