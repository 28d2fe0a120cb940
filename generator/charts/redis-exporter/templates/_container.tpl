{{/*
One exporter container in multi-target mode: it scrapes nothing by itself (empty REDIS_ADDR), only what
`/scrape?target=` names, with the release password from the Secret. (dict "ctx" . "port" N "portName" s "user" u)
*/}}
{{- define "exporter.container" -}}
{{- $v := .ctx.Values -}}
image: {{ include "rc.imageRef" (dict "ctx" .ctx "image" $v.image) | quote }}
imagePullPolicy: {{ $v.global.images.pullPolicy }}
args:
  - {{ printf "--web.listen-address=:%d" (int .port) | quote }}
  - {{ printf "--connection-timeout=%s" $v.connectionTimeout | quote }}
env:
  - name: REDIS_ADDR
    value: ""
  {{- if eq (include "rc.aclEnabled" .ctx) "true" }}
  # ACL users (README: ACL users): its own read-only user.
  - name: REDIS_USER
    value: exporter
  - name: REDIS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ include "rc.internalAuthSecret" .ctx }}
        key: exporter
  {{- else }}
  {{- with .user }}
  - name: REDIS_USER
    value: {{ . | quote }}
  {{- end }}
  {{- if $v.global.auth.enabled }}
  - name: REDIS_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ include "rc.authSecret" .ctx }}
        key: {{ include "rc.authKey" .ctx }}
  {{- end }}
  {{- end }}
  {{- if $v.global.tls.enabled }}
  # The release's members serve TLS only (rediss:// targets): verify them with the release's CA.
  - name: REDIS_EXPORTER_TLS_CA_CERT_FILE
    value: /etc/redis-tls/ca.crt
  {{- if include "rc.tlsClientCert" .ctx }}
  - name: REDIS_EXPORTER_TLS_CLIENT_CERT_FILE
    value: /etc/redis-tls/tls.crt
  - name: REDIS_EXPORTER_TLS_CLIENT_KEY_FILE
    value: /etc/redis-tls/tls.key
  {{- end }}
  {{- end }}
{{- with include "rc.tlsMount" .ctx }}
volumeMounts:
  {{- . | nindent 2 }}
{{- end }}
ports:
  - name: {{ .portName }}
    containerPort: {{ .port }}
    protocol: TCP
livenessProbe:
  httpGet:
    path: /health
    port: {{ .portName }}
  {{- include "rc.probeTimings" $v.livenessProbe | nindent 2 }}
readinessProbe:
  httpGet:
    path: /health
    port: {{ .portName }}
  {{- include "rc.probeTimings" $v.readinessProbe | nindent 2 }}
securityContext:
  {{- include "rc.containerSecurityContext" .ctx | nindent 2 }}
resources:
  {{- toYaml $v.resources | nindent 2 }}
{{- end -}}
