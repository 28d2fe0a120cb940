{{/* Names the restore side (redis-server restore.*) derives the same way: "<release>-backup" and "<release>-backup-remote". */}}
{{- define "rc.backupName" -}}{{ printf "%s-backup" (include "rc.base" .) }}{{- end -}}
{{- define "rc.backupRemoteSecret" -}}
{{- default (printf "%s-backup-remote" (include "rc.base" .)) .Values.remote.existingSecret -}}
{{- end -}}
{{- define "rc.backupUsesRemote" -}}{{ if ne .Values.remote.type "local" }}true{{ end }}{{- end -}}
