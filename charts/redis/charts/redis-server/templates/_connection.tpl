{{/* generated from generator/charts/redis-server/templates/_connection.tpl; edit there */ -}}
{{/* The connection Secret apps mount: REDIS_URL (seed convention key `redis-url`), sentinel addresses, master set. */}}
{{- define "rc.connectionSecret.manifest" -}}
{{- $ctx := .ctx -}}
{{- $host := printf "%s.%s.svc.%s" (include "rc.masterService" $ctx) $ctx.Release.Namespace $ctx.Values.global.clusterDomain -}}
{{- /* urlquery writes a space as "+", which a URL's userinfo keeps as a plus: spell it %20 ("+" itself is already %2B). */}}
{{- $auth := ternary (printf "default:%s@" (.password | urlquery | replace "+" "%20")) "" (ne .password "") }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "rc.connectionSecret" $ctx }}
  labels:
    {{- include "rc.labels" (dict "ctx" $ctx "component" "server") | nindent 4 }}
  {{- if .keep }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}
type: Opaque
stringData:
  redis-url: {{ printf "redis://%s%s:%d" $auth $host (int $ctx.Values.global.topology.redisPort) | quote }}
  host: {{ $host | quote }}
  port: {{ $ctx.Values.global.topology.redisPort | quote }}
  {{- if include "rc.sentinelEnabled" $ctx }}
  sentinels: {{ include "rc.sentinelAddresses" $ctx | quote }}
  master-set: {{ $ctx.Values.global.topology.masterSet | quote }}
  {{- end }}
{{- end -}}
