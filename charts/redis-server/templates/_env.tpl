{{/* generated from generator/charts/redis-server/templates/_env.tpl; edit there */ -}}
{{/* Environment of the data node scripts. */}}
{{- define "rc.serverEnv" -}}
{{ include "rc.podTopologyEnv" . }}
- name: HEADLESS_SERVICE
  value: {{ include "rc.serverHeadless" . | quote }}
- name: SERVER_BIN
  value: {{ include "rc.bin" (dict "ctx" . "name" "server") | quote }}
- name: DISABLED_COMMANDS
  value: {{ join " " .Values.config.disabledCommands | quote }}
{{- if eq (include "rc.aclEnabled" .) "true" }}
- name: ACL_RULES
  value: {{ .Values.global.auth.acl.rules | quote }}
{{- end }}
{{- include "rc.nodeAuthEnv" (dict "ctx" . "user" "operator") }}
{{- end -}}
