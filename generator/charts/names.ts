/**
 * The names the charts give a release's objects, for code that looks them up in a cluster or prints them. Each
 * function mirrors one helper of generator/charts/shared/templates/_common.tpl (named beside it) and is checked
 * against `helm template` (test/charts/object-names.test.ts); the templates are where the names are made.
 */

/** rc.base: the release name cut to 40 characters, less one trailing "-" (sprig trunc, then trimSuffix). */
export function releaseBase(release: string): string {
  const cut = release.slice(0, 40);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/** rc.name: "<base>-<component>", or the base alone when it already ends with the component. */
export function componentName(release: string, component: string): string {
  const base = releaseBase(release);
  return base.endsWith(component) ? base : `${base}-${component}`;
}

/** rc.serverName: the data nodes' StatefulSet (and the prefix of their Services and ConfigMaps). */
export const serverName = (release: string) => componentName(release, 'redis');
/** rc.serverHeadless: the data nodes' headless Service, which gives each pod its DNS name. */
export const serverHeadlessName = (release: string) => `${serverName(release)}-headless`;
/** rc.masterService: the Service that always points at the master. */
export const masterServiceName = (release: string) => `${serverName(release)}-master`;
/** rc.readService: the Service over every data node, for reads. */
export const readServiceName = (release: string) => `${serverName(release)}-read`;
/** rc.sentinelName: the sentinels' StatefulSet and their client Service. */
export const sentinelName = (release: string) => componentName(release, 'sentinel');
/** rc.sentinelHeadless: the sentinels' headless Service. */
export const sentinelHeadlessName = (release: string) => `${sentinelName(release)}-headless`;
/** rc.authSecret without global.auth.existingSecret: the password Secret the chart creates. */
export const authSecretName = (release: string) => `${serverName(release)}-auth`;
/** rc.connectionSecret without global.auth.connectionSecretName: the Secret apps mount (REDIS_URL and friends). */
export const connectionSecretName = (release: string) => `${serverName(release)}-connection`;
/** rc.tlsSecret without global.tls.existingSecret: the Secret with the generated (or cert-manager's) certificate. */
export const tlsSecretName = (release: string) => `${serverName(release)}-tls`;
/** rc.internalAuthSecret: the passwords (and their SHA-256) of the charts' own ACL users (README: ACL users). */
export const internalAuthSecretName = (release: string) => `${serverName(release)}-internal-auth`;
/** rc.backupName: the backup CronJob, its volume and ServiceAccount. */
export const backupName = (release: string) => `${releaseBase(release)}-backup`;
/** rc.backupRemoteSecretName: the Secret with the remote's rclone.conf the backup chart renders. */
export const backupRemoteSecretName = (release: string) => `${backupName(release)}-remote`;
