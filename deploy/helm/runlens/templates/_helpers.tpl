{{/* Names, labels and the environment every runlens container shares. */}}
{{- define "runlens.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}{{ .Release.Name | trunc 63 | trimSuffix "-" }}{{- else -}}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{- end -}}
{{- end -}}

{{- define "runlens.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "runlens.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "runlens.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "runlens.fullname" .)) -}}
{{- end -}}

{{- define "runlens.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end -}}

{{/* The runlens configuration (common/config.ts reads it), the password from the Secret. */}}
{{- define "runlens.env" -}}
- name: RUNLENS_KAFKA_BROKERS
  value: {{ .Values.kafka.brokers | quote }}
- name: RUNLENS_TOPIC_PREFIX
  value: {{ .Values.kafka.topicPrefix | quote }}
- name: RUNLENS_CLICKHOUSE_URL
  value: {{ .Values.clickhouse.url | quote }}
- name: RUNLENS_CLICKHOUSE_DATABASE
  value: {{ .Values.clickhouse.database | quote }}
- name: RUNLENS_CLICKHOUSE_USER
  value: {{ .Values.clickhouse.user | quote }}
- name: RUNLENS_CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "runlens.secretName" . }}
      key: clickhouse-password
{{- if .Values.clickhouse.cluster }}
- name: RUNLENS_CLICKHOUSE_CLUSTER
  value: {{ .Values.clickhouse.cluster | quote }}
{{- if gt (int .Values.clickhouse.insertQuorum) 0 }}
- name: RUNLENS_CLICKHOUSE_INSERT_QUORUM
  value: {{ .Values.clickhouse.insertQuorum | quote }}
{{- end }}
{{- end }}
- name: RUNLENS_LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
{{- range $name, $value := .Values.extraEnv }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{/* tsx keeps its compile cache under /tmp: writable, while the root filesystem is not. */}}
{{- define "runlens.tmp" -}}
volumeMounts:
  - { name: tmp, mountPath: /tmp }
{{- end -}}
