{{/* Name of the exporter's objects and the Prometheus `job` label of every series it serves. */}}
{{- define "exporter.name" -}}{{ include "rc.name" (dict "ctx" . "component" "exporter") }}{{- end -}}

{{/* Whether the sentinel-facing exporter container runs. */}}
{{- define "exporter.scrapesSentinels" -}}
{{- if and .Values.releaseTargets (include "rc.sentinelEnabled" .) }}true{{ end -}}
{{- end -}}

{{/*
Every target, as a YAML list of {pod, component, address, target, port}: `address` is host:port (the `instance`
label), `target` what the exporter dials (rediss:// with TLS: the release's members serve TLS only); `port` names the
exporter container that scrapes it (data nodes authenticate as `user`; sentinels only know `requirepass`).
*/}}
{{- define "exporter.targets" -}}
{{- $ctx := . -}}
{{- $scheme := ternary "rediss://" "" .Values.global.tls.enabled -}}
{{- if .Values.releaseTargets }}
{{- range $i := until (int .Values.global.topology.dataNodes) }}
- pod: {{ printf "%s-%d" (include "rc.serverName" $ctx) $i }}
  component: server
  address: {{ printf "%s:%d" (include "rc.serverPodFqdn" (dict "ctx" $ctx "index" $i)) (int $ctx.Values.global.topology.redisPort) }}
  target: {{ printf "%s%s:%d" $scheme (include "rc.serverPodFqdn" (dict "ctx" $ctx "index" $i)) (int $ctx.Values.global.topology.redisPort) }}
  port: metrics
{{- end }}
{{- range $i := until (int .Values.global.topology.sentinels) }}
- pod: {{ printf "%s-%d" (include "rc.sentinelName" $ctx) $i }}
  component: sentinel
  address: {{ printf "%s:%d" (include "rc.sentinelPodFqdn" (dict "ctx" $ctx "index" $i)) (int $ctx.Values.global.topology.sentinelPort) }}
  target: {{ printf "%s%s:%d" $scheme (include "rc.sentinelPodFqdn" (dict "ctx" $ctx "index" $i)) (int $ctx.Values.global.topology.sentinelPort) }}
  port: sentinel-metric
{{- end }}
{{- end }}
{{- range .Values.targets }}
- pod: {{ regexReplaceAll ":[0-9]+$" . "" }}
  component: external
  address: {{ . }}
  target: {{ . }}
  port: metrics
{{- end }}
{{- end -}}

{{/* ServiceMonitor endpoints and PodMonitor podMetricsEndpoints: one per target, same labels as the plain scrape config. */}}
{{- define "exporter.monitorEndpoints" -}}
{{- $ctx := . -}}
{{- range $t := include "exporter.targets" . | fromYamlArray }}
- port: {{ $t.port }}
  path: /scrape
  params:
    target: [{{ $t.target | quote }}]
  interval: {{ $ctx.Values.interval }}
  scrapeTimeout: {{ $ctx.Values.scrapeTimeout }}
  relabelings:
    - sourceLabels: [__meta_kubernetes_pod_name]
      targetLabel: exporter_pod
    {{- include "exporter.targetLabels" (dict "ctx" $ctx "target" $t) | nindent 4 }}
{{- end }}
{{- end -}}

{{/* Relabelings that name a series after the Redis it describes, not after the exporter. */}}
{{- define "exporter.targetLabels" -}}
- targetLabel: job
  replacement: {{ include "exporter.name" .ctx }}
- targetLabel: instance
  replacement: {{ .target.address }}
- targetLabel: pod
  replacement: {{ .target.pod }}
- targetLabel: component
  replacement: {{ .target.component }}
{{- end -}}
