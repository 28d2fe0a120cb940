{{/* generated from generator/charts/shared/templates/_common.tpl; edit there */ -}}
{{/* Shared helpers, written once in generator/charts/shared and copied into every chart. */}}

{{/* Base name of every object of a release: the release name. */}}
{{- define "rc.base" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of a component's objects: "<release>-<component>", or the release name when it already ends with it. */}}
{{- define "rc.name" -}}
{{- $base := include "rc.base" .ctx -}}
{{- if hasSuffix .component $base -}}{{ $base }}{{- else -}}{{ printf "%s-%s" $base .component }}{{- end -}}
{{- end -}}

{{- define "rc.serverName" -}}{{ include "rc.name" (dict "ctx" . "component" "redis") }}{{- end -}}
{{- define "rc.serverHeadless" -}}{{ include "rc.serverName" . }}-headless{{- end -}}
{{- define "rc.masterService" -}}{{ include "rc.serverName" . }}-master{{- end -}}
{{- define "rc.readService" -}}{{ include "rc.serverName" . }}-read{{- end -}}
{{- define "rc.sentinelName" -}}{{ include "rc.name" (dict "ctx" . "component" "sentinel") }}{{- end -}}
{{- define "rc.sentinelHeadless" -}}{{ include "rc.sentinelName" . }}-headless{{- end -}}
{{/* The backup chart's objects (CronJob, volume, ServiceAccount): "<release>-backup"; the server chart's restore
reads the same volume and remote Secret. generator/charts/names.ts mirrors these names for the CLI. */}}
{{- define "rc.backupName" -}}{{ printf "%s-backup" (include "rc.base" .) }}{{- end -}}
{{- define "rc.backupRemoteSecretName" -}}{{ include "rc.backupName" . }}-remote{{- end -}}
{{- define "rc.connectionSecret" -}}{{ .Values.global.auth.connectionSecretName | default (printf "%s-connection" (include "rc.serverName" .)) }}{{- end -}}

{{- define "rc.sentinelAddresses" -}}
{{- $ctx := . -}}
{{- range $i := until (int .Values.global.topology.sentinels) }}{{ if $i }},{{ end }}{{ include "rc.sentinelPodFqdn" (dict "ctx" $ctx "index" $i) }}:{{ $ctx.Values.global.topology.sentinelPort }}{{ end -}}
{{- end -}}

{{- define "rc.sentinelEnabled" -}}{{ if gt (int .Values.global.topology.sentinels) 0 }}true{{ end }}{{- end -}}
{{- define "rc.replicated" -}}{{ if gt (int .Values.global.topology.dataNodes) 1 }}true{{ end }}{{- end -}}

{{/* FQDN of data pod N: "<sts>-N.<headless>.<ns>.svc.<domain>". */}}
{{- define "rc.serverPodFqdn" -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "rc.serverName" .ctx) (int .index) (include "rc.serverHeadless" .ctx) .ctx.Release.Namespace .ctx.Values.global.clusterDomain -}}
{{- end -}}
{{- define "rc.sentinelPodFqdn" -}}
{{- printf "%s-%d.%s.%s.svc.%s" (include "rc.sentinelName" .ctx) (int .index) (include "rc.sentinelHeadless" .ctx) .ctx.Release.Namespace .ctx.Values.global.clusterDomain -}}
{{- end -}}

{{/* Space-separated FQDNs of all data pods, and of all sentinels (for start scripts). */}}
{{- define "rc.serverPodFqdns" -}}
{{- $ctx := . -}}
{{- range $i := until (int .Values.global.topology.dataNodes) }}{{ if $i }} {{ end }}{{ include "rc.serverPodFqdn" (dict "ctx" $ctx "index" $i) }}{{ end -}}
{{- end -}}
{{- define "rc.sentinelPodFqdns" -}}
{{- $ctx := . -}}
{{- range $i := until (int .Values.global.topology.sentinels) }}{{ if $i }} {{ end }}{{ include "rc.sentinelPodFqdn" (dict "ctx" $ctx "index" $i) }}{{ end -}}
{{- end -}}

{{/* Standard labels. Call with (dict "ctx" . "component" "server"). */}}
{{- define "rc.labels" -}}
{{ include "rc.selectorLabels" . }}
app.kubernetes.io/version: {{ .ctx.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .ctx.Release.Service }}
app.kubernetes.io/part-of: redis-charts
helm.sh/chart: {{ printf "%s-%s" .ctx.Chart.Name .ctx.Chart.Version | replace "+" "_" }}
{{- with .ctx.Values.global.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "rc.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Engine image and binaries. */}}
{{- define "rc.image" -}}
{{- include "rc.imageRef" (dict "ctx" . "image" (index .Values.global.images .Values.global.engine)) -}}
{{- end -}}
{{/* Any image ({repository, tag}) behind the optional global registry mirror. */}}
{{- define "rc.imageRef" -}}
{{- $registry := .ctx.Values.global.imageRegistry -}}
{{- if $registry }}{{ printf "%s/%s:%s" $registry .image.repository .image.tag }}{{ else }}{{ printf "%s:%s" .image.repository .image.tag }}{{ end -}}
{{- end -}}
{{- define "rc.bin" -}}{{ if eq .ctx.Values.global.engine "valkey" }}valkey-{{ .name }}{{ else }}redis-{{ .name }}{{ end }}{{- end -}}

{{/* Auth Secret name and key. */}}
{{- define "rc.authSecret" -}}
{{- default (printf "%s-auth" (include "rc.serverName" .)) .Values.global.auth.existingSecret -}}
{{- end -}}
{{- define "rc.authKey" -}}{{ .Values.global.auth.existingSecretPasswordKey }}{{- end -}}
{{- define "rc.authPreviousKey" -}}{{ .Values.global.auth.existingSecretPreviousPasswordKey }}{{- end -}}

{{/* The password volume every component that talks to Redis mounts at /etc/redis-auth: `password`, and while a
rotation lasts `previous-password` (optional: present only when the Secret has that key). */}}
{{- define "rc.authVolume" -}}
{{- if .Values.global.auth.enabled }}
{{ include "rc.authProjection" (dict "ctx" . "volume" "auth" "secret" (include "rc.authSecret" .)) }}
{{- end }}
{{- end -}}
{{/* A volume named .volume with the passwords of Secret .secret, as rc.authVolume lays them out. */}}
{{- define "rc.authProjection" -}}
- name: {{ .volume }}
  projected:
    defaultMode: 0440
    sources:
      - secret:
          name: {{ .secret }}
          items:
            - { key: {{ include "rc.authKey" .ctx }}, path: password }
      - secret:
          name: {{ .secret }}
          optional: true
          items:
            - { key: {{ include "rc.authPreviousKey" .ctx }}, path: previous-password }
{{- end -}}
{{/* Rolls the pods that read the password from their environment (exporter, master proxy) when the chart's own
passwords change; with existingSecret the chart cannot see a change (README: Password rotation). */}}
{{- define "rc.authChecksum" -}}
{{- if and .Values.global.auth.enabled (not .Values.global.auth.existingSecret) -}}
checksum/auth: {{ printf "%s\n%s" .Values.global.auth.password .Values.global.auth.previousPassword | sha256sum | quote }}
{{- end -}}
{{- end -}}
{{/*
The ServiceAccount, Role and RoleBinding of a hook Job that creates Secrets (auth-init, tls-init, internal-auth): it
reads and updates only the `secrets` named; create cannot be limited by name. They exist only while the hook runs.
(dict "ctx" . "name" "<Job name>" "component" "tls-init" "secrets" (list "<Secret name>"))
*/}}
{{- define "rc.secretHookAccess" -}}
{{- $hook := dict "helm.sh/hook" "pre-install,pre-upgrade" "helm.sh/hook-delete-policy" "before-hook-creation,hook-succeeded" "helm.sh/hook-weight" "-10" -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ .name }}
  labels:
    {{- include "rc.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  annotations:
    {{- toYaml $hook | nindent 4 }}
automountServiceAccountToken: false
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: {{ .name }}
  labels:
    {{- include "rc.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  annotations:
    {{- toYaml $hook | nindent 4 }}
rules:
  - apiGroups: [""]
    resources: [secrets]
    resourceNames: [{{ range $i, $s := .secrets }}{{ if $i }}, {{ end }}{{ $s | quote }}{{ end }}]
    verbs: [get, patch]
  - apiGroups: [""]
    resources: [secrets]
    verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: {{ .name }}
  labels:
    {{- include "rc.labels" (dict "ctx" .ctx "component" .component) | nindent 4 }}
  annotations:
    {{- toYaml $hook | nindent 4 }}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: {{ .name }}
subjects:
  - kind: ServiceAccount
    name: {{ .name }}
    namespace: {{ .ctx.Release.Namespace }}
{{- end -}}

{{/*
ACL users (README: ACL users). With global.auth.acl.enabled every component logs in to the data nodes as its own user,
with the password the internal-auth hook generated in Secret rc.internalAuthSecret; otherwise as `admin` with the
release's password. NODE_USER names the user; /etc/redis-node-auth/password holds its password (lib.sh reads both).
*/}}
{{- define "rc.aclEnabled" -}}{{ if and .Values.global.auth.enabled .Values.global.auth.acl.enabled }}true{{ end }}{{- end -}}
{{- define "rc.internalAuthSecret" -}}{{ printf "%s-internal-auth" (include "rc.serverName" .) }}{{- end -}}
{{/* The charts' own users, each with the password a key of that name holds. */}}
{{- define "rc.internalUsers" -}}operator replication sentinel exporter backup proxy{{- end -}}
{{/* The user the application password opens. */}}
{{- define "rc.appUser" -}}{{ ternary .Values.global.auth.acl.username "default" (eq (include "rc.aclEnabled" .) "true") }}{{- end -}}
{{/* (dict "ctx" . "user" "exporter") */}}
{{- define "rc.nodeAuthEnv" -}}
{{- if eq (include "rc.aclEnabled" .ctx) "true" }}
- name: NODE_USER
  value: {{ .user | quote }}
{{- end }}
{{- end -}}
{{/* The user's password at `password`; for the data pods ("user" "operator") also the replication and sentinel
users' passwords, which their scripts log in with, and the SHA-256 of every internal user's password, from which
start.sh writes the users (a hash opens nothing); for the sentinels the exporter's hash (it scrapes them too).
(dict "ctx" . "user" "exporter") */}}
{{- define "rc.nodeAuthVolume" -}}
{{- if eq (include "rc.aclEnabled" .ctx) "true" }}
- name: node-auth
  secret:
    secretName: {{ include "rc.internalAuthSecret" .ctx }}
    defaultMode: 0440
    items:
      - { key: {{ .user }}, path: password }
      {{- if eq .user "operator" }}
      - { key: replication, path: replication }
      - { key: sentinel, path: sentinel }
      {{- range splitList " " (include "rc.internalUsers" .ctx) }}
      - { key: {{ . }}.sha256, path: {{ . }}.sha256 }
      {{- end }}
      {{- end }}
      {{- if eq .user "sentinel" }}
      - { key: exporter.sha256, path: exporter.sha256 }
      {{- end }}
{{- end }}
{{- end -}}
{{- define "rc.nodeAuthMount" -}}
{{- if eq (include "rc.aclEnabled" .) "true" }}
- name: node-auth
  mountPath: /etc/redis-node-auth
  readOnly: true
{{- end }}
{{- end -}}
{{/* Further application users (global.auth.acl.users), only with ACL users on. */}}
{{- define "rc.aclExtraUsers" -}}{{ if eq (include "rc.aclEnabled" .) "true" }}{{ toJson .Values.global.auth.acl.users }}{{ else }}[]{{ end }}{{- end -}}
{{/* A further user's password Secret: its existingSecret, or the one the acl-users hook generates. (dict "ctx" . "user" <user>) */}}
{{- define "rc.aclUserSecret" -}}{{ .user.existingSecret | default (printf "%s-user-%s" (include "rc.serverName" .ctx) .user.name) }}{{- end -}}
{{- define "rc.aclUserConnectionSecret" -}}{{ printf "%s-connection-%s" (include "rc.serverName" .ctx) .user.name }}{{- end -}}
{{/* The further users' passwords at <name>/password and, while a rotation lasts, <name>/previous-password (data pods
at /etc/redis-acl-users). With "optional" true (the hook that generates them) a generated one may not exist yet.
(dict "ctx" . "optional" <bool>) */}}
{{- define "rc.aclUsersVolume" -}}
{{- $users := include "rc.aclExtraUsers" .ctx | fromJsonArray -}}
{{- if $users -}}
- name: acl-users
  projected:
    defaultMode: 0440
    sources:
      {{- range $users }}
      - secret:
          name: {{ include "rc.aclUserSecret" (dict "ctx" $.ctx "user" .) }}
          {{- if and $.optional (not .existingSecret) }}
          optional: true
          {{- end }}
          items:
            - { key: password, path: {{ .name }}/password }
      - secret:
          name: {{ include "rc.aclUserSecret" (dict "ctx" $.ctx "user" .) }}
          optional: true
          items:
            - { key: previous-password, path: {{ .name }}/previous-password }
      {{- end }}
{{- end }}
{{- end -}}
{{- define "rc.authMount" -}}
{{- if .Values.global.auth.enabled }}
- name: auth
  mountPath: /etc/redis-auth
  readOnly: true
{{- end }}
{{- end -}}

{{/*
TLS (README: TLS). The Secret with tls.crt, tls.key and ca.crt: yours (global.tls.existingSecret), or the one cert-manager
(templates/certificate.yaml) or the tls-init hook (templates/tls-init.yaml) writes.
*/}}
{{- define "rc.tlsSecret" -}}
{{- default (printf "%s-tls" (include "rc.serverName" .)) .Values.global.tls.existingSecret -}}
{{- end -}}
{{/* Whether the servers require client certificates, so every component that connects presents the Secret's key pair. */}}
{{- define "rc.tlsClientCert" -}}{{ if eq .Values.global.tls.authClients "yes" }}true{{ end }}{{- end -}}
{{/* The names the server certificate covers: every data pod and sentinel (by wildcard, so a scale needs no new
certificate), the Services clients use, in each form they may be written, and localhost. */}}
{{- define "rc.tlsDnsNames" -}}
{{- $ns := .Release.Namespace -}}
{{- $domain := .Values.global.clusterDomain -}}
{{- $names := list "localhost" -}}
{{- range $headless := list (include "rc.serverHeadless" .) (include "rc.sentinelHeadless" .) -}}
{{- $names = append $names (printf "*.%s.%s.svc.%s" $headless $ns $domain) -}}
{{- end -}}
{{- range $service := list (include "rc.masterService" .) (include "rc.readService" .) (include "rc.serverHeadless" .) (include "rc.sentinelName" .) (include "rc.sentinelHeadless" .) -}}
{{- $names = concat $names (list $service (printf "%s.%s" $service $ns) (printf "%s.%s.svc" $service $ns) (printf "%s.%s.svc.%s" $service $ns $domain)) -}}
{{- end -}}
{{- $names | toJson -}}
{{- end -}}
{{- define "rc.tlsIpAddresses" -}}["127.0.0.1"]{{- end -}}
{{/*
The TLS volume, named `tls`; empty while TLS is off. (dict "ctx" . "server" true): a data node's or sentinel's (its key
pair and the CA); otherwise what a component that connects needs: the CA, and the key pair when the servers require
client certificates.
*/}}
{{- define "rc.tlsVolume" -}}
{{- if .ctx.Values.global.tls.enabled -}}
- name: tls
  secret:
    secretName: {{ include "rc.tlsSecret" .ctx }}
    defaultMode: 0440
    items:
      - { key: ca.crt, path: ca.crt }
      {{- if or .server (include "rc.tlsClientCert" .ctx) }}
      - { key: tls.crt, path: tls.crt }
      - { key: tls.key, path: tls.key }
      {{- end }}
{{- end -}}
{{- end -}}
{{/* Where the scripts read it (lib.sh TLS_DIR); empty while TLS is off. */}}
{{- define "rc.tlsMount" -}}
{{- if .Values.global.tls.enabled -}}
- { name: tls, mountPath: /etc/redis-tls, readOnly: true }
{{- end -}}
{{- end -}}

{{- define "rc.podSecurityContext" -}}
{{ toYaml .Values.global.podSecurityContext }}
{{- end -}}
{{- define "rc.containerSecurityContext" -}}
{{ toYaml .Values.global.containerSecurityContext }}
{{- end -}}

{{/* Probe timings from values: (dict "probe" .Values.x.livenessProbe). */}}
{{- define "rc.probeTimings" -}}
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{/* Scheduling block: (dict "ctx" . "values" .Values "component" "server"). */}}
{{- define "rc.scheduling" -}}
{{- with .values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- if eq .values.podAntiAffinity "hard" }}
affinity:
  podAntiAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "rc.selectorLabels" . | nindent 12 }}
{{- else if eq .values.podAntiAffinity "soft" }}
affinity:
  podAntiAffinity:
    preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          topologyKey: kubernetes.io/hostname
          labelSelector:
            matchLabels:
              {{- include "rc.selectorLabels" . | nindent 14 }}
{{- end }}
{{- end -}}

{{- define "rc.imagePullSecrets" -}}
{{- with .Values.global.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Environment every script that talks to the data nodes or sentinels reads, with the release's members: for Jobs. */}}
{{- define "rc.topologyEnv" -}}
{{ include "rc.podTopologyEnv" . }}
- name: DATA_PODS
  value: {{ include "rc.serverPodFqdns" . | quote }}
- name: SENTINELS
  value: {{ include "rc.sentinelPodFqdns" . | quote }}
{{- end -}}

{{/* The same without the members, for long-running pods: they read the members from the topology ConfigMap
(rc.topologyMount), so a scale changes no pod template and restarts no pod. */}}
{{- define "rc.podTopologyEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
- name: CLUSTER_DOMAIN
  value: {{ .Values.global.clusterDomain | quote }}
- name: REDIS_PORT
  value: {{ .Values.global.topology.redisPort | quote }}
- name: SENTINEL_PORT
  value: {{ .Values.global.topology.sentinelPort | quote }}
- name: CLI_BIN
  value: {{ include "rc.bin" (dict "ctx" . "name" "cli") | quote }}
- name: MASTER_SET
  value: {{ .Values.global.topology.masterSet | quote }}
- name: AUTH_ENABLED
  value: {{ .Values.global.auth.enabled | quote }}
{{- if eq (include "rc.aclEnabled" .) "true" }}
- name: ACL_ENABLED
  value: "true"
- name: ACL_USERNAME
  value: {{ .Values.global.auth.acl.username | quote }}
{{- end }}
{{- if .Values.global.tls.enabled }}
- name: TLS_ENABLED
  value: "true"
- name: TLS_AUTH_CLIENTS
  value: {{ .Values.global.tls.authClients | quote }}
- name: TLS_CLIENT_CERT
  value: {{ include "rc.tlsClientCert" . | eq "true" | quote }}
{{- end }}
{{- end -}}

{{/* How to connect, printed by every chart's NOTES.txt. */}}
{{- define "rc.notes.connect" -}}
{{- $ns := .Release.Namespace -}}
{{- $master := printf "%s.%s.svc.%s" (include "rc.masterService" .) $ns .Values.global.clusterDomain -}}
{{- $port := int .Values.global.topology.redisPort -}}
{{- $connection := include "rc.connectionSecret" . -}}
{{- $user := ternary .Values.global.auth.acl.username "" (eq (include "rc.aclEnabled" .) "true") -}}
Redis ({{ .Values.global.engine }}): {{ .Values.global.topology.dataNodes }} data node(s){{ if include "rc.sentinelEnabled" . }}, {{ .Values.global.topology.sentinels }} sentinels watching master set "{{ .Values.global.topology.masterSet }}"{{ end }}.

Master endpoint (always the current master): {{ $master }}:{{ $port }}
{{- if include "rc.replicated" . }}
Read endpoint (all data nodes):            {{ include "rc.readService" . }}.{{ $ns }}.svc.{{ .Values.global.clusterDomain }}:{{ $port }}
{{- end }}
{{- if include "rc.sentinelEnabled" . }}
Sentinels:                                 {{ include "rc.sentinelAddresses" . }}
{{- end }}
{{- if .Values.global.auth.enabled }}

Password:
  kubectl get secret -n {{ $ns }} {{ include "rc.authSecret" . }} -o jsonpath='{.data.{{ include "rc.authKey" . }}}' | base64 -d
{{- end }}
{{- with $user }}
ACL users: the password opens the user "{{ . }}" on the data nodes (Secret {{ $connection }}, key username; `default` is
off) and `default` on the sentinels. The charts' own components log in as their own users.
{{- end }}

REDIS_URL for applications (Secret {{ $connection }}, key redis-url):
  env:
    - name: REDIS_URL
      valueFrom:
        secretKeyRef: { name: {{ $connection }}, key: redis-url }

{{- if .Values.global.tls.enabled }}

TLS only (rediss://): every data node and sentinel refuses plaintext clients. The CA that signs their certificate
(also key ca.crt of Secret {{ $connection }}, copied there after each install and upgrade):
  kubectl get secret -n {{ $ns }} {{ include "rc.tlsSecret" . }} -o jsonpath='{.data.ca\.crt}' | base64 -d > ca.crt
{{- if include "rc.tlsClientCert" . }}
authClients is yes: every client also presents a certificate signed by that CA (redis-cli --cert/--key).
{{- end }}
{{- end }}

From your machine:
  kubectl port-forward -n {{ $ns }} svc/{{ include "rc.masterService" . }} {{ $port }}:{{ $port }}
  redis-cli -p {{ $port }}{{ if .Values.global.tls.enabled }} --tls --cacert ca.crt{{ end }}{{ with $user }} --user {{ . }}{{ end }}{{ if .Values.global.auth.enabled }} --askpass{{ end }} PING
{{- if and .Values.global.tls.enabled (include "rc.sentinelEnabled" .) }}

Sentinel-aware clients (TLS to the sentinels and to the master they name; ca is the CA above):
  ioredis:   new Redis({ sentinels: [{ host: "{{ include "rc.sentinelName" . }}.{{ $ns }}", port: {{ .Values.global.topology.sentinelPort }} }], name: "{{ .Values.global.topology.masterSet }}", {{ with $user }}username: "{{ . }}", {{ end }}password, sentinelPassword: password, enableTLSForSentinelMode: true, tls: { ca }, sentinelTLS: { ca } })
  go-redis:  redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "{{ .Values.global.topology.masterSet }}", SentinelAddrs: []string{"{{ include "rc.sentinelName" . }}.{{ $ns }}:{{ .Values.global.topology.sentinelPort }}"}, {{ with $user }}Username: "{{ . }}", {{ end }}Password: password, SentinelPassword: password, TLSConfig: &tls.Config{RootCAs: pool}})
  redis-py:  Sentinel([("{{ include "rc.sentinelName" . }}.{{ $ns }}", {{ .Values.global.topology.sentinelPort }})], sentinel_kwargs={"password": password, "ssl": True, "ssl_ca_certs": "ca.crt"}, ssl=True, ssl_ca_certs="ca.crt").master_for("{{ .Values.global.topology.masterSet }}", {{ with $user }}username="{{ . }}", {{ end }}password=password)
{{- else if .Values.global.tls.enabled }}

Clients (REDIS_URL is rediss://; ca is the CA above):
  ioredis:   new Redis(process.env.REDIS_URL, { tls: { ca } })
  go-redis:  opt, _ := redis.ParseURL(os.Getenv("REDIS_URL")); opt.TLSConfig.RootCAs = pool; rdb := redis.NewClient(opt)
  redis-py:  redis.Redis.from_url(os.environ["REDIS_URL"], ssl_ca_certs="ca.crt")
{{- else if include "rc.sentinelEnabled" . }}

Sentinel-aware clients:
  ioredis:   new Redis({ sentinels: [{ host: "{{ include "rc.sentinelName" . }}.{{ $ns }}", port: {{ .Values.global.topology.sentinelPort }} }], name: "{{ .Values.global.topology.masterSet }}", {{ with $user }}username: "{{ . }}", {{ end }}password, sentinelPassword: password })
  go-redis:  redis.NewFailoverClient(&redis.FailoverOptions{MasterName: "{{ .Values.global.topology.masterSet }}", SentinelAddrs: []string{"{{ include "rc.sentinelName" . }}.{{ $ns }}:{{ .Values.global.topology.sentinelPort }}"}, {{ with $user }}Username: "{{ . }}", {{ end }}Password: password, SentinelPassword: password})
  redis-py:  Sentinel([("{{ include "rc.sentinelName" . }}.{{ $ns }}", {{ .Values.global.topology.sentinelPort }})], sentinel_kwargs={"password": password}).master_for("{{ .Values.global.topology.masterSet }}", {{ with $user }}username="{{ . }}", {{ end }}password=password)
{{- else }}

Clients:
  ioredis:   new Redis(process.env.REDIS_URL)
  go-redis:  opt, _ := redis.ParseURL(os.Getenv("REDIS_URL")); rdb := redis.NewClient(opt)
  redis-py:  redis.Redis.from_url(os.environ["REDIS_URL"])
{{- end }}
{{- end -}}

{{/* NetworkPolicy peers that count as clients: this release's own pods, application pods with the client label,
pods with the allowed labels, the allowed namespaces and address ranges. */}}
{{- define "rc.networkPolicyClients" -}}
{{- $np := .Values.global.networkPolicy -}}
- podSelector:
    matchLabels:
      app.kubernetes.io/instance: {{ .Release.Name }}
- podSelector:
    matchLabels:
      {{ $np.clientLabel }}: {{ .Release.Name | quote }}
{{- with $np.allowedPodLabels }}
- podSelector:
    matchLabels:
      {{- toYaml . | nindent 6 }}
{{- end }}
{{- range $np.allowedNamespaces }}
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: {{ . }}
{{- end }}
{{- range $np.allowedCIDRs }}
- ipBlock:
    cidr: {{ . }}
{{- end }}
{{- end -}}

{{/* Ingress NetworkPolicy admitting the release's clients to one component's ports:
(dict "ctx" . "component" "server" "name" "<object name>" "ports" (list 6379)). */}}
{{- define "rc.clientIngressPolicy" -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .name }}
  labels:
    {{- include "rc.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "rc.selectorLabels" . | nindent 6 }}
  policyTypes: [Ingress]
  ingress:
    - ports:
        {{- range .ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
      from:
        {{- include "rc.networkPolicyClients" .ctx | nindent 8 }}
{{- end -}}

{{/*
Whether the cluster serves a prometheus-operator kind ("ServiceMonitor", "PodMonitor", "PrometheusRule").
Rendering one without its CRD makes the whole install fail with "no matches for kind".
*/}}
{{- define "rc.hasMonitoringApi" -}}
{{- if .ctx.Capabilities.APIVersions.Has (printf "monitoring.coreos.com/v1/%s" .kind) }}true{{ end -}}
{{- end -}}

{{/*
NOTES lines for the prometheus-operator objects a user enabled that were skipped for want of their CRD.
(dict "ctx" . "objects" (list (dict "kind" "ServiceMonitor" "key" "exporter.serviceMonitor.enabled" "enabled" true) ...))
*/}}
{{- define "rc.notes.skippedMonitoring" -}}
{{- $ctx := .ctx -}}
{{- range .objects }}
{{- if and .enabled (not (include "rc.hasMonitoringApi" (dict "ctx" $ctx "kind" .kind))) }}

SKIPPED: {{ .kind }} not created although {{ .key }} is true: the cluster has no monitoring.coreos.com/v1/{{ .kind }} API.
  Install the prometheus-operator CRDs (e.g. with kube-prometheus-stack) and run helm upgrade, or, when rendering
  for GitOps, pass: helm template --api-versions monitoring.coreos.com/v1/{{ .kind }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Refuses, before anything changes, a StatefulSet change Kubernetes forbids, naming the value, why, and the way on.
Reads the live StatefulSet with lookup, so `helm template` (GitOps) renders without the check. With "grows" true the
chart grows its volumes in place where the StorageClass allows expansion (rc.volumeGrowth, templates/grow-volumes.yaml),
so a larger persistence.size is not refused there.
(dict "ctx" . "key" "server" "name" "<StatefulSet name>" "podManagementPolicy" "Parallel" "grows" true)
*/}}
{{- define "rc.refuseForbiddenChanges" -}}
{{- $p := .ctx.Values.persistence -}}
{{- $live := lookup "apps/v1" "StatefulSet" .ctx.Release.Namespace .name -}}
{{- if $live -}}
{{- $orphan := printf "kubectl delete statefulset %s -n %s --cascade=orphan (its pods keep running and keep their volumes), then run the same helm upgrade: the new StatefulSet adopts them" .name .ctx.Release.Namespace -}}
{{- $restore := "back up (redis-charts backup now), uninstall, and install with the new setting restoring the backup (server.restore.enabled=true)" -}}
{{- if ne $live.spec.podManagementPolicy .podManagementPolicy -}}
{{- fail (printf "global.topology.sentinels: turning Sentinel on or off changes %s's podManagementPolicy (%s -> %s), which Kubernetes does not let a StatefulSet change. To go on: %s." .name $live.spec.podManagementPolicy .podManagementPolicy $orphan) -}}
{{- end -}}
{{- $claims := $live.spec.volumeClaimTemplates | default list -}}
{{- if ne (len $claims) (ternary 1 0 $p.enabled) -}}
{{- fail (printf "%s.persistence.enabled: %t -> %t adds or removes %s's volume claim template, which Kubernetes does not let a StatefulSet change. To go on: %s." .key (not $p.enabled) $p.enabled .name $restore) -}}
{{- end -}}
{{- with $claims -}}
{{- $claim := index . 0 -}}
{{- $size := $claim.spec.resources.requests.storage -}}
{{- if ne $size $p.size -}}
{{- $growth := include "rc.volumeGrowth" (dict "ctx" $.ctx "name" $.name) | fromYaml -}}
{{- $key := printf "%s.persistence.size: %s -> %s" $.key $size $p.size -}}
{{- if eq $growth.change "same" -}}
{{- fail (printf "%s: the same size written another way still changes the volume claim template, which Kubernetes does not let a StatefulSet change. Write it as %s." $key $size) -}}
{{- else if eq $growth.change "shrink" -}}
{{- fail (printf "%s: a volume cannot shrink. Keep %s, or %s." $key $size (replace "the new setting" "the smaller size" $restore)) -}}
{{- else if not $.grows -}}
{{- fail (printf "%s: Kubernetes does not let a StatefulSet change its volume claim template. Where the StorageClass allows volume expansion (allowVolumeExpansion: true), grow each claim (kubectl patch pvc %s-%s-<n> -n %s -p '{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"%s\"}}}}'), then %s." $key $claim.metadata.name $.name $.ctx.Release.Namespace $p.size $orphan) -}}
{{- else if not $growth.expandable -}}
{{- fail (printf "%s: the claims' StorageClass %q does not allow volume expansion (allowVolumeExpansion is not true, or the class cannot be read), so the volumes cannot grow in place. To go on: %s, or let the class expand volumes if its provisioner can." $key $growth.class (replace "the new setting" "the new size" $restore)) -}}
{{- end -}}
{{- end -}}
{{- if ne ($claim.spec.storageClassName | default "") ($p.storageClass | default "") -}}
{{- fail (printf "%s.persistence.storageClass: %q -> %q: a StatefulSet's volume claim template cannot change, and a claim never moves to another StorageClass. To go on: %s." $.key ($claim.spec.storageClassName | default "") ($p.storageClass | default "") (replace "the new setting" "the new class" $restore)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Refuses an engine or version change whose server cannot read the data the running one writes: the new pods would
fail to load their volume (and could not sync from the master) as soon as the rolling update reaches them. Compares
the RDB format each version writes (rc.rdbFormat), read from the live StatefulSet's engine image; a tag without a
version it knows is not checked.
(dict "ctx" . "name" "<StatefulSet name>")
*/}}
{{- define "rc.refuseUnreadableData" -}}
{{- $live := lookup "apps/v1" "StatefulSet" .ctx.Release.Namespace .name -}}
{{- range dig "spec" "template" "spec" "containers" list $live -}}
{{- if eq .name "redis" -}}
{{- $engine := "redis" -}}
{{- range .env | default list -}}
{{- if and (eq .name "CLI_BIN") (eq (.value | default "") "valkey-cli") -}}{{- $engine = "valkey" -}}{{- end -}}
{{- end -}}
{{- $from := include "rc.rdbFormat" (dict "engine" $engine "image" .image) -}}
{{- $next := $.ctx.Values.global.engine -}}
{{- $nextImage := include "rc.image" $.ctx -}}
{{- $to := include "rc.rdbFormat" (dict "engine" $next "image" $nextImage) -}}
{{- if and $from $to (lt (atoi $to) (atoi $from)) -}}
{{- $version := regexReplaceAll "^.*:" (regexReplaceAll "@.*$" .image "") "" -}}
{{- $nextVersion := regexReplaceAll "^.*:" (regexReplaceAll "@.*$" $nextImage "") "" -}}
{{- fail (printf "global.engine / global.images.%s.tag: %s %s -> %s %s: the running release writes its data in RDB format %s, which %s %s cannot read (it reads up to format %s), so its pods would fail to load their volumes and could not sync from the master. Stay on %s %s or newer; to move anyway, copy the data at the key level into a new release (e.g. with RIOT's replicate command), since a backup restores the same format." $next $engine $version $next $nextVersion $from $next $nextVersion $to $engine $version) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The value of environment variable `env` in container `container` of the live StatefulSet `name`, as YAML: found (false
when there is no live StatefulSet: an install, `helm template`) and value. Read with lookup, so `helm template`
(GitOps) renders without the checks that use it.
(dict "ctx" . "name" "<StatefulSet name>" "container" "redis" "env" "TLS_ENABLED")
*/}}
{{- define "rc.liveEnv" -}}
{{- $found := false -}}
{{- $value := "" -}}
{{- $live := lookup "apps/v1" "StatefulSet" .ctx.Release.Namespace .name -}}
{{- range dig "spec" "template" "spec" "containers" list $live -}}
{{- if eq .name $.container -}}
{{- $found = true -}}
{{- range .env | default list -}}
{{- if eq .name $.env -}}{{- $value = .value | default "" -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (dict "found" $found "value" $value) -}}
{{- end -}}

{{/*
Refuses turning TLS on or off on a running release: the servers serve TLS only or plaintext only, so every replica,
sentinel and client would have to switch at the same moment, which a rolling update cannot do (a replica restarted
with TLS cannot reach a master that still serves plaintext, and the other way round).
(dict "ctx" . "name" "<StatefulSet name>" "container" "redis")
*/}}
{{- define "rc.refuseTlsSwitch" -}}
{{- $live := include "rc.liveEnv" (merge (dict "env" "TLS_ENABLED") .) | fromYaml -}}
{{- $was := eq $live.value "true" -}}
{{- $next := .ctx.Values.global.tls.enabled -}}
{{- if and $live.found (ne $was $next) -}}
{{- fail (printf "global.tls.enabled: %t -> %t on the running release %s: its data nodes and sentinels serve either TLS or plaintext on one port, so every replica, sentinel and client would have to switch at the same moment, which a rolling update cannot do. To go on: %s Clients reconnect with %s URLs (the connection Secret's redis-url)." $was $next .ctx.Release.Name (include "rc.reinstallSteps" .) (ternary "rediss://" "redis://" $next)) -}}
{{- end -}}
{{- end -}}

{{/*
Refuses switching ACL users on or off on a running release: the users the members log in to each other as change,
and a replica or sentinel restarted with the new ones could not log in to the members not yet restarted.
(dict "ctx" . "name" "<data StatefulSet name>")
*/}}
{{- define "rc.refuseAclSwitch" -}}
{{- $live := include "rc.liveEnv" (dict "ctx" .ctx "name" .name "container" "redis" "env" "ACL_ENABLED") | fromYaml -}}
{{- $was := eq $live.value "true" -}}
{{- $next := eq (include "rc.aclEnabled" .ctx) "true" -}}
{{- if and $live.found (ne $was $next) -}}
{{- fail (printf "global.auth.acl.enabled: %t -> %t on the running release %s: the users its members log in to each other as change, and a replica or sentinel restarted with the new ones cannot log in to the members not yet restarted. To go on: %s Clients log in as %s." $was $next .ctx.Release.Name (include "rc.reinstallSteps" .) (ternary (printf "%q (the connection Secret's username)" .ctx.Values.global.auth.acl.username) "default" $next)) -}}
{{- end -}}
{{- end -}}
{{- define "rc.reinstallSteps" -}}
take a backup (redis-charts backup now), helm uninstall the release (the data volumes and the password Secret stay), and helm install it again with the new setting: its pods start on the kept volumes.
{{- end -}}

{{/* The RDB format version an engine image's server writes and reads, from its tag (7.4.1, 7.0.15-debian12); empty
when the tag names no version known here. Valkey 7.2 to 8.x write Redis 7.2's format. */}}
{{- define "rc.rdbFormat" -}}
{{- $tag := regexReplaceAll "^.*:" (regexReplaceAll "@.*$" .image "") "" -}}
{{- $v := regexFind "^[0-9]+\\.[0-9]+" $tag -}}
{{- if $v -}}
{{- $major := atoi (index (splitList "." $v) 0) -}}
{{- $minor := atoi (index (splitList "." $v) 1) -}}
{{- if eq .engine "valkey" -}}
{{- if and (or (gt $major 7) (and (eq $major 7) (ge $minor 2))) (lt $major 9) }}11{{ end -}}
{{- else if or (gt $major 7) (and (eq $major 7) (ge $minor 4)) }}12
{{- else if and (eq $major 7) (ge $minor 2) }}11
{{- else if eq $major 7 }}10
{{- else if eq $major 6 }}9
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
How persistence.size changes against the live StatefulSet `name`, as YAML: change (none, grow, shrink, same: equal
sizes written differently), and for a growth the claims' StorageClass, whether it allows expansion, and the claims
(its pods' volumes, those of removed pods included). Empty values when there is no live StatefulSet (an install,
`helm template`).
(dict "ctx" . "name" "<StatefulSet name>")
*/}}
{{- define "rc.volumeGrowth" -}}
{{- $change := "none" -}}
{{- $class := "" -}}
{{- $expandable := false -}}
{{- $names := list -}}
{{- $live := lookup "apps/v1" "StatefulSet" .ctx.Release.Namespace .name -}}
{{- with dig "spec" "volumeClaimTemplates" list $live -}}
{{- $template := index . 0 -}}
{{- $from := $template.spec.resources.requests.storage -}}
{{- $to := $.ctx.Values.persistence.size -}}
{{- $fromBytes := include "rc.quantityBytes" $from | float64 -}}
{{- $toBytes := include "rc.quantityBytes" $to | float64 -}}
{{- if gt $toBytes $fromBytes -}}
{{- $change = "grow" -}}
{{- else if lt $toBytes $fromBytes -}}
{{- $change = "shrink" -}}
{{- else if ne $from $to -}}
{{- $change = "same" -}}
{{- end -}}
{{- if eq $change "grow" -}}
{{- $prefix := printf "%s-%s-" $template.metadata.name $.name -}}
{{- range (lookup "v1" "PersistentVolumeClaim" $.ctx.Release.Namespace "").items | default list -}}
{{- if and (hasPrefix $prefix .metadata.name) (regexMatch "^[0-9]+$" (trimPrefix $prefix .metadata.name)) -}}
{{- $names = append $names .metadata.name -}}
{{- $class = .spec.storageClassName | default $class -}}
{{- end -}}
{{- end -}}
{{- $sc := lookup "storage.k8s.io/v1" "StorageClass" "" $class -}}
{{- $expandable = and $sc ($sc.allowVolumeExpansion | default false) | default false -}}
{{- end -}}
{{- end -}}
change: {{ $change }}
class: {{ $class | quote }}
expandable: {{ $expandable }}
claims: {{ $names | sortAlpha | toJson }}
{{- end -}}

{{/* A resource quantity (1Gi, 500M, 1.5Ti) in bytes, to compare two sizes. */}}
{{- define "rc.quantityBytes" -}}
{{- $units := dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- $number := regexReplaceAll "[A-Za-z]+$" . "" -}}
{{- $unit := regexReplaceAll "^[0-9.]+" . "" -}}
{{- mulf ($number | float64) (index $units $unit) -}}
{{- end -}}

{{/* The release's members, one file each (data-pods, sentinels), rendered by the redis-server chart. */}}
{{- define "rc.topologyName" -}}
{{ include "rc.serverName" . }}-topology
{{- end -}}
{{- define "rc.topologyVolume" -}}
- name: topology
  configMap:
    name: {{ include "rc.topologyName" . }}
{{- end -}}
{{- define "rc.topologyMount" -}}
- { name: topology, mountPath: /etc/redis-topology, readOnly: true }
{{- end -}}
