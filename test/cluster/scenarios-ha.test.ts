import { scenariosOnLocalCluster } from './scenario-suite.ts';

scenariosOnLocalCluster('ha');
