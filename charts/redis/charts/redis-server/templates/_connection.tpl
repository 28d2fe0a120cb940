{{/* generated from generator/charts/redis-server/templates/_connection.tpl; edit there */ -}}
{{/* The connection Secret apps mount: REDIS_URL (seed convention key `redis-url`), sentinel addresses, master set. With TLS
the URL is rediss://, and the hook of templates/tls-ca.yaml adds the CA (`ca.crt`) once the certificate exists. For a
further ACL user (templates/acl-users.yaml) "name" and "user" name its Secret and user.
(dict "ctx" . "password" "<URL-encoded password>" "keep" <bool> ["name" "<Secret name>" "user" "<user>"]) */}}
{{- define "rc.connectionSecret.manifest" -}}
{{- $ctx := .ctx -}}
{{- $host := printf "%s.%s.svc.%s" (include "rc.masterService" $ctx) $ctx.Release.Namespace $ctx.Values.global.clusterDomain -}}
{{- /* urlquery writes a space as "+", which a URL's userinfo keeps as a plus: spell it %20 ("+" itself is already %2B). */}}
{{- $user := .user | default (include "rc.appUser" $ctx) -}}
{{- $auth := ternary (printf "%s:%s@" $user (.password | urlquery | replace "+" "%20")) "" (ne .password "") }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .name | default (include "rc.connectionSecret" $ctx) }}
  labels:
    {{- include "rc.labels" (dict "ctx" $ctx "component" "server") | nindent 4 }}
  {{- if .keep }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}
type: Opaque
stringData:
  redis-url: {{ printf "%s://%s%s:%d" (ternary "rediss" "redis" $ctx.Values.global.tls.enabled) $auth $host (int $ctx.Values.global.topology.redisPort) | quote }}
  host: {{ $host | quote }}
  port: {{ $ctx.Values.global.topology.redisPort | quote }}
  {{- if $ctx.Values.global.auth.enabled }}
  username: {{ $user | quote }}
  {{- end }}
  {{- if include "rc.sentinelEnabled" $ctx }}
  sentinels: {{ include "rc.sentinelAddresses" $ctx | quote }}
  master-set: {{ $ctx.Values.global.topology.masterSet | quote }}
  {{- end }}
{{- end -}}
