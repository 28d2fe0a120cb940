/** What each backup carries next to its data (`<name>.json`), as the backup job writes it. */
export interface BackupManifest {
  name: string;
  time: string;
  file: string;
  source: { pod: string; role: 'master' | 'replica' };
  engine: string;
  version: string;
  keys: number;
  expires: number;
  rdbBytes: number;
  bytes: number;
  sha256: string;
}

const NAME = /^rdb-\d{8}T\d{6}Z$/;
export const isBackupName = (s: string): boolean => NAME.test(s);

/** The manifest a backup run logs (`manifest: {...}`). */
export function manifestFromLogs(logs: string): BackupManifest {
  const m = logs.match(/manifest: (\{.*\})/);
  if (!m) throw new Error(`the backup logs hold no manifest:\n${logs}`);
  return JSON.parse(m[1]!) as BackupManifest;
}

/** The reason a run failed, from its `BACKUP FAILED` line. */
export function failureFromLogs(logs: string): string | undefined {
  return logs.match(/BACKUP FAILED (.*)/)?.[1];
}
