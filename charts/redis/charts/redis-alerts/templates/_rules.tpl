{{/* generated from generator/charts/redis-alerts/templates/_rules.tpl; edit there */ -}}
{{/*
The alert groups, written once: the PrometheusRule and the plain rules file both include this define.
Prometheus templates in annotations are kept literal with {{ ` ` | quote }}.
*/}}
{{- define "alerts.groups" -}}
{{- $v := .Values -}}
{{- $r := .Values.rules -}}
{{- $job := default (include "rc.name" (dict "ctx" . "component" "exporter")) $v.exporterJob -}}
{{- $all := printf "job=%q,namespace=%q" $job .Release.Namespace -}}
{{- $data := printf "%s,component!=\"sentinel\"" $all -}}
{{- $servers := printf "%s,component=\"server\"" $all -}}
{{- $sentinels := printf "%s,component=\"sentinel\",master_name=%q" $all .Values.global.topology.masterSet -}}
{{- $w := $v.rateWindow -}}
{{- $backup := printf "namespace=%q,cronjob=%q" .Release.Namespace (default (include "rc.backupName" .) $v.backupCronJob) -}}
{{- $backupJobs := printf "namespace=%q,owner_kind=\"CronJob\",owner_name=%q" .Release.Namespace (default (include "rc.backupName" .) $v.backupCronJob) -}}
- name: redis
  rules:
    {{- with $r.redisDown }}{{ if .enabled }}
    - alert: RedisDown
      expr: redis_up{ {{- $data -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisDown") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} is down` | quote }}
        description: {{ `The exporter cannot reach Redis at {{ $labels.instance }} (pod {{ $labels.pod }}).` | quote }}
    {{- end }}{{ end }}
    {{- with $r.noMaster }}{{ if .enabled }}
    - alert: RedisNoMaster
      expr: count by (namespace) (redis_up{ {{- $servers -}} } == 1) unless count by (namespace) (redis_instance_info{ {{- $servers -}} ,role="master"})
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisNoMaster") | nindent 6 }}
        summary: {{ `No Redis master in {{ $labels.namespace }}` | quote }}
        description: {{ `{{ $value }} data nodes answer, and none of them is master: writes fail.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.multipleMasters }}{{ if .enabled }}
    - alert: RedisMultipleMasters
      expr: count by (namespace) (count by (namespace, pod) (redis_instance_info{ {{- $servers -}} ,role="master"})) > 1
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisMultipleMasters") | nindent 6 }}
        summary: {{ `{{ $value }} Redis masters in {{ $labels.namespace }} (split brain)` | quote }}
        description: {{ `More than one data node reports role master: clients may write to different masters.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.replicaLinkDown }}{{ if .enabled }}
    - alert: RedisReplicaLinkDown
      expr: redis_master_link_up{ {{- $data -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisReplicaLinkDown") | nindent 6 }}
        summary: {{ `Replica {{ $labels.pod }} lost its master link` | quote }}
        description: {{ `Replica {{ $labels.pod }} is not connected to its master {{ $labels.master_host }}:{{ $labels.master_port }}.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.replicationLag }}{{ if .enabled }}
    - alert: RedisReplicationLag
      expr: redis_master_repl_offset{ {{- $data -}} } - ignoring (slave_ip, slave_port, slave_state) group_right redis_connected_slave_offset_bytes{ {{- $data -}} } > {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisReplicationLag") | nindent 6 }}
        summary: {{ `Replica {{ $labels.slave_ip }} lags behind master {{ $labels.pod }}` | quote }}
        description: {{ `Replica {{ $labels.slave_ip }}:{{ $labels.slave_port }} is {{ $value | humanize1024 }}B behind master {{ $labels.pod }}.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.memoryHigh }}{{ if .enabled }}
    - alert: RedisMemoryHigh
      expr: redis_memory_used_bytes{ {{- $data -}} } / redis_memory_max_bytes{ {{- $data -}} } > {{ include "alerts.num" .threshold }} and redis_memory_max_bytes{ {{- $data -}} } > 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisMemoryHigh") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} memory near maxmemory` | quote }}
        description: {{ `Redis {{ $labels.pod }} uses {{ $value | humanizePercentage }} of maxmemory.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.hitRateLow }}{{ if .enabled }}
    - alert: RedisHitRateLow
      expr: rate(redis_keyspace_hits_total{ {{- $data -}} }[{{ $w }}]) / (rate(redis_keyspace_hits_total{ {{- $data -}} }[{{ $w }}]) + rate(redis_keyspace_misses_total{ {{- $data -}} }[{{ $w }}])) < {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisHitRateLow") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} hit rate is low` | quote }}
        description: {{ `Only {{ $value | humanizePercentage }} of key lookups on {{ $labels.pod }} find their key.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.clientsNearMax }}{{ if .enabled }}
    - alert: RedisClientsNearMax
      expr: redis_connected_clients{ {{- $data -}} } / redis_config_maxclients{ {{- $data -}} } > {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisClientsNearMax") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} clients near maxclients` | quote }}
        description: {{ `Redis {{ $labels.pod }} has {{ $value | humanizePercentage }} of maxclients connected.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.clientsHigh }}{{ if .enabled }}
    - alert: RedisClientsHigh
      expr: redis_connected_clients{ {{- $data -}} } > {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisClientsHigh") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} has many clients` | quote }}
        description: {{ `Redis {{ $labels.pod }} has {{ $value }} connected clients.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.rejectedConnections }}{{ if .enabled }}
    - alert: RedisRejectedConnections
      expr: increase(redis_rejected_connections_total{ {{- $data -}} }[{{ $w }}]) > 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisRejectedConnections") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} rejects connections` | quote }}
        description: {{ `Redis {{ $labels.pod }} rejected {{ $value }} connections recently (maxclients reached).` | quote }}
    {{- end }}{{ end }}
    {{- with $r.evictions }}{{ if .enabled }}
    - alert: RedisEvictions
      expr: rate(redis_evicted_keys_total{ {{- $data -}} }[{{ $w }}]) > {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisEvictions") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} evicts keys` | quote }}
        description: {{ `Redis {{ $labels.pod }} evicts {{ $value }} keys per second to stay under maxmemory.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.rdbSaveFailed }}{{ if .enabled }}
    - alert: RedisRdbSaveFailed
      expr: redis_rdb_last_bgsave_status{ {{- $data -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisRdbSaveFailed") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} RDB save failed` | quote }}
        description: {{ `The last background RDB save of {{ $labels.pod }} failed; with stop-writes-on-bgsave-error it refuses writes.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.aofWriteFailed }}{{ if .enabled }}
    - alert: RedisAofWriteFailed
      expr: redis_aof_last_write_status{ {{- $data -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisAofWriteFailed") | nindent 6 }}
        summary: {{ `Redis {{ $labels.pod }} AOF write failed` | quote }}
        description: {{ `The last append-only file write of {{ $labels.pod }} failed.` | quote }}
    {{- end }}{{ end }}
{{- if include "rc.sentinelEnabled" . }}
- name: redis-sentinel
  rules:
    {{- with $r.sentinelDown }}{{ if .enabled }}
    - alert: RedisSentinelDown
      expr: redis_up{ {{- $all -}} ,component="sentinel"} == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisSentinelDown") | nindent 6 }}
        summary: {{ `Sentinel {{ $labels.pod }} is down` | quote }}
        description: {{ `The exporter cannot reach Sentinel at {{ $labels.instance }} (pod {{ $labels.pod }}).` | quote }}
    {{- end }}{{ end }}
    {{- with $r.sentinelMasterNotOk }}{{ if .enabled }}
    - alert: RedisSentinelMasterNotOk
      expr: redis_sentinel_master_status{ {{- $sentinels -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisSentinelMasterNotOk") | nindent 6 }}
        summary: {{ `Sentinel {{ $labels.pod }} sees master {{ $labels.master_name }} as {{ $labels.master_status }}` | quote }}
        description: {{ `Sentinel {{ $labels.pod }} reports master {{ $labels.master_address }} of {{ $labels.master_name }} with status {{ $labels.master_status }}.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.sentinelNoQuorum }}{{ if .enabled }}
    - alert: RedisSentinelNoQuorum
      expr: redis_sentinel_master_ckquorum_status{ {{- $sentinels -}} } == 0
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisSentinelNoQuorum") | nindent 6 }}
        summary: {{ `Sentinel {{ $labels.pod }} cannot reach quorum for {{ $labels.master_name }}` | quote }}
        description: {{ `SENTINEL CKQUORUM on {{ $labels.pod }}: {{ $labels.message }}` | quote }}
    {{- end }}{{ end }}
    {{- with $r.sentinelTilt }}{{ if .enabled }}
    - alert: RedisSentinelTilt
      expr: redis_sentinel_tilt{ {{- $all -}} ,component="sentinel"} == 1
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisSentinelTilt") | nindent 6 }}
        summary: {{ `Sentinel {{ $labels.pod }} is in TILT mode` | quote }}
        description: {{ `Sentinel {{ $labels.pod }} saw its clock jump or stall and stopped acting for 30 seconds or more.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.frequentFailovers }}{{ if .enabled }}
    - alert: RedisFrequentFailovers
      expr: count by (namespace, master_name) (count by (namespace, master_name, master_address) (last_over_time(redis_sentinel_master_status{ {{- $sentinels -}} }[{{ $v.failoverWindow }}]))) - 1 >= {{ include "alerts.num" .threshold }}
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisFrequentFailovers") | nindent 6 }}
        summary: {{ `Master {{ $labels.master_name }} failed over {{ $value }} times` | quote }}
        description: {{ printf "The master of {{ $labels.master_name }} changed {{ $value }} times within %s." $v.failoverWindow | quote }}
    {{- end }}{{ end }}
{{- end }}
- name: redis-backup
  rules:
    {{- with $r.backupFailed }}{{ if .enabled }}
    - alert: RedisBackupFailed
      expr: kube_job_status_failed{namespace={{ $.Release.Namespace | quote }}} > 0 and on (namespace, job_name) kube_job_owner{ {{- $backupJobs -}} }
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisBackupFailed") | nindent 6 }}
        summary: {{ `Redis backup Job {{ $labels.job_name }} failed` | quote }}
        description: {{ `Backup Job {{ $labels.job_name }} in {{ $labels.namespace }} failed; read its pod logs.` | quote }}
    {{- end }}{{ end }}
    {{- with $r.backupMissing }}{{ if .enabled }}
    {{- $period := printf "(kube_cronjob_next_schedule_time{%s} - kube_cronjob_status_last_schedule_time{%s})" $backup $backup }}
    - alert: RedisBackupMissing
      expr: time() - kube_cronjob_status_last_successful_time{ {{- $backup -}} } > {{ include "alerts.num" .threshold }} * {{ $period }} or (time() - kube_cronjob_created{ {{- $backup -}} } > {{ include "alerts.num" .threshold }} * {{ $period }} unless on (namespace, cronjob) kube_cronjob_status_last_successful_time{ {{- $backup -}} })
      {{- include "alerts.common" (dict "ctx" $ "rule" . "alert" "RedisBackupMissing") | nindent 6 }}
        summary: {{ `No successful Redis backup from {{ $labels.cronjob }}` | quote }}
        description: {{ printf "CronJob {{ $labels.cronjob }} has had no successful run for more than %v schedule periods." .threshold | quote }}
    {{- end }}{{ end }}
{{- end -}}

{{/* for, severity and runbook of one alert; the caller appends summary and description under annotations. */}}
{{- define "alerts.common" -}}
for: {{ .rule.for }}
labels:
  severity: {{ .rule.severity }}
annotations:
  runbook_url: {{ printf "%s#%s" .ctx.Values.runbookUrl (lower .alert) }}
{{- end -}}

{{/* A threshold as PromQL reads it best: 10485760, not 1.048576e+07. */}}
{{- define "alerts.num" -}}
{{- if eq (float64 .) (float64 (int64 .)) }}{{ int64 . }}{{ else }}{{ . }}{{ end -}}
{{- end -}}
