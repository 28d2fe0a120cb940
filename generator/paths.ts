import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATOR_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.dirname(GENERATOR_DIR);
export const CHARTS_DIR = path.join(REPO_ROOT, 'charts');
export const PROFILES_DIR = path.join(REPO_ROOT, 'values');
export const UMBRELLA_DIR = path.join(CHARTS_DIR, 'redis');
