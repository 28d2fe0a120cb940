import { scenariosOnLocalCluster } from './scenario-suite.ts';

scenariosOnLocalCluster('day2');
