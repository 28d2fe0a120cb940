{{/* generated from generator/charts/redis-backup/templates/_backup.tpl; edit there */ -}}
{{/* The Secret with rclone.conf: the one named, or the one this chart renders (rc.backupRemoteSecretName, in _common.tpl
with rc.backupName, as the restore side of redis-server reads them). */}}
{{- define "rc.backupRemoteSecret" -}}
{{- default (include "rc.backupRemoteSecretName" .) .Values.remote.existingSecret -}}
{{- end -}}
{{- define "rc.backupUsesRemote" -}}{{ if ne .Values.remote.type "local" }}true{{ end }}{{- end -}}

{{/* The backup pods' ServiceAccount: "<release>-backup" when the chart creates it, else the one named, else `default`. */}}
{{- define "rc.backupServiceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "rc.backupName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}
