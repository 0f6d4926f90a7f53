{{/* Labels every object of the chart carries. */}}
{{- define "platform.labels" -}}
app.kubernetes.io/part-of: platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels of one service ({{ include "platform.selector" (dict "name" $name "root" $) }}). */}}
{{- define "platform.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* The image of one service. */}}
{{- define "platform.image" -}}
{{ printf "%s/%s:%s" (.root.Values.image.repository | trimSuffix "/") .name (.root.Values.image.tag | default .root.Chart.AppVersion) }}
{{- end -}}

{{/* KEDA's scalerAddress: the autoscaler's KEDA port. */}}
{{- define "platform.scalerAddress" -}}
{{- if .Values.keda.scalerAddress -}}
{{ .Values.keda.scalerAddress }}
{{- else -}}
{{ printf "autoscaler.%s.svc.cluster.local:%v" .Release.Namespace (index .Values.services "autoscaler").kedaPort }}
{{- end -}}
{{- end -}}

{{/* Platform's Dapr app-ids: the components are scoped to them. */}}
{{- define "platform.appIds" -}}
- serving-controller
- activator
- autoscaler
- broker
- sources
{{- end -}}
