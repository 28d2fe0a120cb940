import { scenariosOnLocalCluster } from './scenario-suite.ts';

scenariosOnLocalCluster('data', { s3: true });
