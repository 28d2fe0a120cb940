export { buildImages, rootfsDir, pypiCacheDir, ImagesNotBuiltError, type BuildOptions, type BuiltImage } from './build.ts';
export { ImageBuildError } from './exec.ts';
export { IMAGE_SPECS, CHART_IMAGE_NAMES, COREDNS_BINARY, REGISTRY, type ImageSpec } from './specs.ts';
