{{/* Names the restore side (redis-server restore.*) derives the same way: "<release>-backup" and "<release>-backup-remote". */}}
{{- define "rc.backupName" -}}{{ printf "%s-backup" (include "rc.base" .) }}{{- end -}}
{{- define "rc.backupRemoteSecret" -}}
{{- default (printf "%s-backup-remote" (include "rc.base" .)) .Values.remote.existingSecret -}}
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
