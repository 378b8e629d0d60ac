{{/* Full name: the release name when it already contains the chart name, else release-chart; 63 characters max. */}}
{{- define "connectors-api.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "connectors-api.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The labels the original Connectors system put on its API Pods: name "connectors", control-plane "api". */}}
{{- define "connectors-api.selectorLabels" -}}
app.kubernetes.io/name: connectors
app.kubernetes.io/instance: {{ .Release.Name }}
control-plane: api
{{- end -}}

{{- define "connectors-api.labels" -}}
{{ include "connectors-api.selectorLabels" . }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: connectors
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "connectors-api.chart" . }}
{{- end -}}

{{- define "connectors-api.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "connectors-api.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "connectors-api.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* HTTPS when a TLS Secret is given; the scheme of probes, Service port name, NOTES and the helm test. */}}
{{- define "connectors-api.scheme" -}}
{{- if .Values.tls.secretName }}https{{ else }}http{{ end -}}
{{- end -}}

{{/* PORT: values.port, else 8443 with TLS and 8080 without. */}}
{{- define "connectors-api.port" -}}
{{- if .Values.port }}{{ .Values.port | int64 }}{{ else if .Values.tls.secretName }}8443{{ else }}8080{{ end -}}
{{- end -}}

{{- define "connectors-api.servicePort" -}}
{{- if .Values.service.port }}{{ .Values.service.port | int64 }}{{ else if .Values.tls.secretName }}443{{ else }}80{{ end -}}
{{- end -}}

{{- define "connectors-api.tlsDir" -}}/etc/connectors-api/tls{{- end -}}
