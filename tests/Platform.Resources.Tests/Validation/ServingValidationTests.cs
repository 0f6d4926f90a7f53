using Platform.Resources.Serialization;
using Platform.Resources.Serving;
using Platform.Resources.Validation;

namespace Platform.Resources.Tests.Validation;

public class ServingValidationTests
{
    private const string Svc = "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: hello}\n";
    private const string SvcNoName = "apiVersion: serving.knative.dev/v1\nkind: Service\n";
    private const string Spec = "spec: {template: {spec: ";
    private const string Ok = "containers: [{image: x}]";

    [Theory]
    [InlineData(Svc + Spec + "{containerConcurrency: 1001, " + Ok + "}}}", "spec.template.spec.containerConcurrency: must be between 0 and 1000")]
    [InlineData(Svc + Spec + "{containerConcurrency: -1, " + Ok + "}}}", "spec.template.spec.containerConcurrency: must be between 0 and 1000")]
    [InlineData(Svc + Spec + "{timeoutSeconds: 601, " + Ok + "}}}", "spec.template.spec.timeoutSeconds: must be between 0 and 600")]
    [InlineData(Svc + Spec + "{responseStartTimeoutSeconds: -1, " + Ok + "}}}", "spec.template.spec.responseStartTimeoutSeconds: must be between 0 and 600")]
    [InlineData(Svc + Spec + "{idleTimeoutSeconds: 700, " + Ok + "}}}", "spec.template.spec.idleTimeoutSeconds: must be between 0 and 600")]
    [InlineData(Svc + Spec + "{containers: []}}}", "spec.template.spec.containers: exactly one container is required")]
    [InlineData(Svc + "spec: {}", "spec.template.spec.containers: exactly one container is required")]
    [InlineData(Svc + Spec + "{containers: [{image: a}, {image: b}]}}}", "spec.template.spec.containers: exactly one container must declare a port when there is more than one container (found 0)")]
    [InlineData(Svc + Spec + "{containers: [{image: a, ports: [{containerPort: 8080}]}, {image: b, ports: [{containerPort: 9000}]}]}}}", "spec.template.spec.containers: exactly one container must declare a port when there is more than one container (found 2)")]
    [InlineData(Svc + Spec + "{containers: [{name: app}]}}}", "spec.template.spec.containers[0].image: image or command is required")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{containerPort: 8012}]}]}}}", "spec.template.spec.containers[0].ports[0].containerPort: port 8012 is reserved")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{containerPort: 9091}]}]}}}", "spec.template.spec.containers[0].ports[0].containerPort: port 9091 is reserved")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{containerPort: 70000}]}]}}}", "spec.template.spec.containers[0].ports[0].containerPort: must be between 1 and 65535")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{containerPort: 0}]}]}}}", "spec.template.spec.containers[0].ports[0].containerPort: must be between 1 and 65535")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{containerPort: 80}, {containerPort: 81}]}]}}}", "spec.template.spec.containers[0].ports: must have at most one port")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{name: grpc, containerPort: 80}]}]}}}", "spec.template.spec.containers[0].ports[0].name: must be empty, http1 or h2c")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{protocol: UDP, containerPort: 80}]}]}}}", "spec.template.spec.containers[0].ports[0].protocol: must be TCP")]
    [InlineData(Svc + Spec + "{containers: [{image: x, ports: [{hostPort: 80, containerPort: 80}]}]}}}", "spec.template.spec.containers[0].ports[0].hostPort: must not be set")]
    [InlineData(Svc + Spec + "{containers: [{image: x, env: [{name: K_SERVICE, value: a}]}]}}}", "spec.template.spec.containers[0].env[0].name: K_SERVICE is reserved")]
    [InlineData(Svc + Spec + "{containers: [{image: x, env: [{name: A}, {name: K_REVISION}]}]}}}", "spec.template.spec.containers[0].env[1].name: K_REVISION is reserved")]
    [InlineData(Svc + Spec + "{containers: [{image: x, env: [{value: a}]}]}}}", "spec.template.spec.containers[0].env[0].name: required")]
    [InlineData(Svc + Spec + "{containers: [{image: x, env: [{name: A, value: a, valueFrom: {secretKeyRef: {name: s, key: k}}}]}]}}}", "spec.template.spec.containers[0].env[0]: must not set both value and valueFrom")]
    [InlineData(Svc + Spec + "{containers: [{image: x, env: [{name: A, valueFrom: {secretKeyRef: {name: s}}}]}]}}}", "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.key: required")]
    [InlineData(Svc + Spec + "{containers: [{image: x, envFrom: [{}]}]}}}", "spec.template.spec.containers[0].envFrom[0]: must set exactly one of configMapRef or secretRef")]
    [InlineData(Svc + Spec + "{containers: [{image: x, readinessProbe: {httpGet: {path: /}, tcpSocket: {port: 8080}}}]}}}", "spec.template.spec.containers[0].readinessProbe: must set exactly one of httpGet, tcpSocket, grpc, exec")]
    [InlineData(Svc + Spec + "{containers: [{image: x, livenessProbe: {periodSeconds: 3}}]}}}", "spec.template.spec.containers[0].livenessProbe: must set exactly one of httpGet, tcpSocket, grpc, exec")]
    [InlineData(Svc + Spec + "{containers: [{image: x, livenessProbe: {tcpSocket: {}, successThreshold: 2}}]}}}", "spec.template.spec.containers[0].livenessProbe.successThreshold: must be 1")]
    [InlineData(Svc + Spec + "{containers: [{image: x, readinessProbe: {tcpSocket: {}, periodSeconds: -1}}]}}}", "spec.template.spec.containers[0].readinessProbe.periodSeconds: must be >= 0")]
    [InlineData(Svc + Spec + "{containers: [{image: x, readinessProbe: {httpGet: {port: 70000}}}]}}}", "spec.template.spec.containers[0].readinessProbe.httpGet.port: must be between 1 and 65535")]
    [InlineData(Svc + Spec + "{containers: [{image: x, readinessProbe: {exec: {}}}]}}}", "spec.template.spec.containers[0].readinessProbe.exec.command: required")]
    [InlineData(Svc + Spec + "{containers: [{image: x, volumeMounts: [{name: data, mountPath: /data}]}]}}}", "spec.template.spec.containers[0].volumeMounts[0].name: no volume named \"data\"")]
    [InlineData(Svc + Spec + "{volumes: [{name: data, emptyDir: {}}], containers: [{image: x, volumeMounts: [{name: data, mountPath: /tmp}]}]}}}", "spec.template.spec.containers[0].volumeMounts[0].mountPath: /tmp is a reserved path")]
    [InlineData(Svc + Spec + "{volumes: [{name: data, emptyDir: {}}], containers: [{image: x, volumeMounts: [{name: data, mountPath: data}]}]}}}", "spec.template.spec.containers[0].volumeMounts[0].mountPath: must be an absolute path")]
    [InlineData(Svc + Spec + "{volumes: [{name: data}], " + Ok + "}}}", "spec.template.spec.volumes[0]: must set exactly one of configMap, secret, emptyDir, projected, persistentVolumeClaim")]
    [InlineData(Svc + Spec + "{volumes: [{name: a, emptyDir: {}}, {name: a, emptyDir: {}}], " + Ok + "}}}", "spec.template.spec.volumes[1].name: duplicate volume name \"a\"")]
    [InlineData(Svc + Spec + "{containers: [{image: x, resources: {requests: {cpu: '1'}, limits: {cpu: 500m}}}]}}}", "spec.template.spec.containers[0].resources.requests[cpu]: must be less than or equal to the limit (500m)")]
    [InlineData(Svc + Spec + "{containers: [{image: x, resources: {limits: {memory: lots}}}]}}}", "spec.template.spec.containers[0].resources.limits[memory]: must be a quantity (e.g. 500m, 128Mi)")]
    [InlineData(Svc + Spec + "{containers: [{image: x, securityContext: {privileged: true}}]}}}", "spec.template.spec.containers[0].securityContext.privileged: must not be true")]
    [InlineData(Svc + Spec + "{containers: [{name: a, image: x, ports: [{containerPort: 80}]}, {name: a, image: y}]}}}", "spec.template.spec.containers[1].name: duplicate container name \"a\"")]
    [InlineData(Svc + Spec + "{containers: [{name: App, image: x}]}}}", "spec.template.spec.containers[0].name: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit")]
    [InlineData(Svc + "spec: {template: {metadata: {name: other-v1}, spec: {" + Ok + "}}}", "spec.template.metadata.name: must start with \"hello-\"")]
    [InlineData(Svc + "spec: {template: {metadata: {generateName: hello-}, spec: {" + Ok + "}}}", "spec.template.metadata.generateName: must not be set: revision names come from the parent")]
    [InlineData(SvcNoName + "metadata: {name: Hello}\n" + Spec + "{" + Ok + "}}}", "metadata.name: must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")]
    [InlineData(SvcNoName + "metadata: {name: 1hello}\n" + Spec + "{" + Ok + "}}}", "metadata.name: must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")]
    [InlineData(SvcNoName + "metadata: {name: a234567890123456789012345678901234567890123456789012345678901234}\n" + Spec + "{" + Ok + "}}}", "metadata.name: must be no more than 63 characters")]
    [InlineData(SvcNoName + "metadata: {namespace: default}\n" + Spec + "{" + Ok + "}}}", "metadata.name: name or generateName is required")]
    [InlineData(SvcNoName + "metadata: {generateName: Hello-}\n" + Spec + "{" + Ok + "}}}", "metadata.generateName: must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")]
    [InlineData(SvcNoName + "metadata: {name: hello, namespace: My_NS}\n" + Spec + "{" + Ok + "}}}", "metadata.namespace: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit")]
    [InlineData(SvcNoName + "metadata: {name: hello, annotations: {autoscaling.knative.dev/min-scale: '1'}}\n" + Spec + "{" + Ok + "}}}", "metadata.annotations[autoscaling.knative.dev/min-scale]: autoscaling annotations must be put under spec.template.metadata.annotations to work")]
    [InlineData(SvcNoName + "metadata: {name: hello, labels: {networking.knative.dev/visibility: public}}\n" + Spec + "{" + Ok + "}}}", "metadata.labels[networking.knative.dev/visibility]: must be cluster-local")]
    [InlineData(SvcNoName + "metadata: {name: hello, labels: {app: 'a b'}}\n" + Spec + "{" + Ok + "}}}", "metadata.labels[app]: must be empty or letters, digits, '-', '_' or '.', starting and ending with a letter or digit")]
    [InlineData(SvcNoName + "metadata: {name: hello, labels: {'-bad': x}}\n" + Spec + "{" + Ok + "}}}", "metadata.labels[-bad]: key must be a qualified name: an optional DNS prefix and '/', then 1-63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit")]
    [InlineData(Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/min-scale: '-1'}}, spec: {" + Ok + "}}}", "spec.template.metadata.annotations[autoscaling.knative.dev/min-scale]: must be an integer >= 0")]
    [InlineData(Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/class: hpa.autoscaling.knative.dev}}, spec: {" + Ok + "}}}", "spec.template.spec.containers[0].resources.requests.cpu: required with class hpa.autoscaling.knative.dev and metric cpu: CPU utilization is measured against the request")]
    [InlineData(Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/class: hpa.autoscaling.knative.dev, autoscaling.knative.dev/metric: memory}}, spec: {" + Ok + "}}}", "spec.template.metadata.annotations[autoscaling.knative.dev/target]: required with metric memory: MiB per replica")]
    [InlineData(Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/class: hpa.autoscaling.knative.dev, autoscaling.knative.dev/metric: rps}}, spec: {" + Ok + "}}}", "spec.template.metadata.annotations[autoscaling.knative.dev/metric]: rps requires class kpa.autoscaling.knative.dev; the HPA class scales on cpu or memory")]
    public void Service_errors(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }

    private const string Traffic = Svc + Spec + "{" + Ok + "}}, traffic: ";

    [Theory]
    [InlineData(Traffic + "[{latestRevision: true, percent: -1}, {revisionName: hello-00001, percent: 101}]}", "spec.traffic[1].percent: must be between 0 and 100")]
    [InlineData(Traffic + "[{latestRevision: true, percent: -1}, {revisionName: hello-00001, percent: 101}]}", "spec.traffic[0].percent: must be between 0 and 100")]
    [InlineData(Traffic + "[{latestRevision: true, percent: 40}, {revisionName: hello-00001, percent: 50}]}", "spec.traffic: percents sum to 90, want 100")]
    [InlineData(Traffic + "[{tag: t, revisionName: hello-00001}]}", "spec.traffic: percents sum to 0, want 100")]
    [InlineData(Traffic + "[{configurationName: hello, percent: 100}]}", "spec.traffic[0].configurationName: must not be set in a Service (use latestRevision: true)")]
    [InlineData(Traffic + "[{revisionName: hello-00001, latestRevision: true, percent: 100}]}", "spec.traffic[0].latestRevision: must not be true when revisionName is set")]
    [InlineData(Traffic + "[{latestRevision: false, percent: 100}]}", "spec.traffic[0].revisionName: required when latestRevision is false")]
    [InlineData(Traffic + "[{tag: v1, latestRevision: true, percent: 50}, {tag: v1, revisionName: hello-00001, percent: 50}]}", "spec.traffic[1].tag: duplicate tag \"v1\"")]
    [InlineData(Traffic + "[{tag: V1, percent: 100}]}", "spec.traffic[0].tag: must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")]
    [InlineData(Traffic + "[{tag: a234567890123456789012345678901234567890123456789012345678, percent: 100}]}", "spec.traffic[0].tag: \"a234567890123456789012345678901234567890123456789012345678-hello\" must be no more than 63 characters")]
    [InlineData(Traffic + "[{percent: 100, url: 'http://x'}]}", "spec.traffic[0].url: must not be set (status only)")]
    [InlineData(Traffic + "[{revisionName: Hello_1, percent: 100}]}", "spec.traffic[0].revisionName: must be a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: blog}\nspec: {traffic: [{revisionName: blog-00001, configurationName: blog, percent: 100}]}", "spec.traffic[0]: must set exactly one of revisionName or configurationName")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: blog}\nspec: {traffic: [{percent: 100}]}", "spec.traffic[0]: must set exactly one of revisionName or configurationName")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: blog}\nspec: {traffic: [{configurationName: blog, latestRevision: false, percent: 100}]}", "spec.traffic[0].latestRevision: must not be false when configurationName is set")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata: {name: blog}\nspec: {traffic: [{configurationName: blog, percent: 60}, {revisionName: blog-00001, percent: 30}]}", "spec.traffic: percents sum to 90, want 100")]
    public void Traffic_errors(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }

    [Theory]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Revision\nmetadata: {name: hello-00001, annotations: {autoscaling.knative.dev/min-scale: '-1'}}\nspec: {containers: [{image: x}]}", "metadata.annotations[autoscaling.knative.dev/min-scale]: must be an integer >= 0")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Revision\nmetadata: {name: hello-00001}\nspec: {containerConcurrency: 2000, containers: [{image: x}]}", "spec.containerConcurrency: must be between 0 and 1000")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Configuration\nmetadata: {name: blog}\nspec: {template: {metadata: {name: blog2}, spec: {containers: [{image: x}]}}}", "spec.template.metadata.name: must start with \"blog-\"")]
    [InlineData("apiVersion: serving.knative.dev/v1\nkind: Configuration\nmetadata: {name: blog}\nspec: {}", "spec.template.spec.containers: exactly one container is required")]
    [InlineData("apiVersion: serving.knative.dev/v1beta1\nkind: DomainMapping\nmetadata: {name: hello}\nspec: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: hello}}", "metadata.name: must be a fully qualified domain name (e.g. app.example.com)")]
    [InlineData("apiVersion: serving.knative.dev/v1beta1\nkind: DomainMapping\nmetadata: {name: hello.example.com}\nspec: {ref: {apiVersion: serving.knative.dev/v1, kind: Service, name: hello, namespace: other}}", "spec.ref.namespace: must be the DomainMapping's namespace \"default\"")]
    [InlineData("apiVersion: serving.knative.dev/v1beta1\nkind: DomainMapping\nmetadata: {name: hello.example.com}\nspec: {}", "spec.ref: required")]
    [InlineData("apiVersion: serving.knative.dev/v1beta1\nkind: DomainMapping\nmetadata: {name: hello.example.com}\nspec: {ref: {apiVersion: serving.knative.dev/v1, name: hello}}", "spec.ref.kind: required")]
    public void Other_serving_kind_errors(string yaml, string expected)
    {
        Assert.Contains(expected, Manifest.Errors(yaml));
    }

    [Fact]
    public void Every_error_is_reported_at_once()
    {
        var errors = Manifest.Errors(Svc + Spec + "{containerConcurrency: 1001, timeoutSeconds: 601, containers: [{ports: [{containerPort: 8013}]}]}}, traffic: [{latestRevision: true, percent: 30}, {revisionName: hello-00001, percent: 60}]}");
        Assert.Equal(
            [
                "spec.template.spec.containerConcurrency: must be between 0 and 1000",
                "spec.template.spec.timeoutSeconds: must be between 0 and 600",
                "spec.template.spec.containers[0].image: image or command is required",
                "spec.template.spec.containers[0].ports[0].containerPort: port 8013 is reserved",
                "spec.traffic: percents sum to 90, want 100",
            ],
            errors);
    }

    [Theory]
    [InlineData("hello-world.yaml")]
    [InlineData("traffic-split.yaml")]
    [InlineData("autoscaling.yaml")]
    [InlineData("local-command.yaml")]
    [InlineData("route-configuration.yaml")]
    [InlineData("domain-mapping.yaml")]
    public void Sample_manifests_are_valid(string name)
    {
        foreach (var resource in Manifest.Read(name))
        {
            Assert.Empty(ResourceAdmission.Knative.Create(resource).Errors);
        }
    }

    [Fact]
    public void The_hpa_class_with_a_cpu_request_or_a_memory_target_is_valid()
    {
        foreach (var yaml in new[]
        {
            Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/class: hpa.autoscaling.knative.dev, autoscaling.knative.dev/target: '50'}}, spec: {containers: [{image: x, resources: {requests: {cpu: 250m}}}]}}}",
            Svc + "spec: {template: {metadata: {annotations: {autoscaling.knative.dev/class: hpa.autoscaling.knative.dev, autoscaling.knative.dev/metric: memory, autoscaling.knative.dev/target: '128'}}, spec: {" + Ok + "}}}",
        })
            Assert.Empty(Manifest.Errors(yaml));
    }

    [Fact]
    public void A_command_without_an_image_is_valid_as_a_platform_extension()
    {
        Assert.Empty(Manifest.Errors(Svc + Spec + "{containers: [{command: [dotnet, app.dll]}]}}}"));
    }

    [Fact]
    public void Sidecars_are_valid_when_exactly_one_container_has_a_port()
    {
        Assert.Empty(Manifest.Errors(Svc + Spec + "{containers: [{image: a, ports: [{containerPort: 8080}]}, {image: b}]}}}"));
    }

    [Fact]
    public void Revision_spec_is_immutable()
    {
        var before = ResourceSerializer.Default.ReadOne<Revision>("apiVersion: serving.knative.dev/v1\nkind: Revision\nmetadata: {name: hello-00001}\nspec: {containers: [{image: a}]}");
        var same = ResourceSerializer.Default.Clone(before);
        same.Metadata.Labels = new() { ["serving.knative.dev/route"] = "hello" };
        Assert.Null(Immutability.RevisionSpec(before, same));

        var changed = ResourceSerializer.Default.Clone(before);
        changed.Spec.Containers![0].Image = "b";
        Assert.Equal("spec: is immutable: a revision's spec cannot change after creation", Immutability.RevisionSpec(before, changed)!.ToString());
        Assert.Contains("spec: is immutable: a revision's spec cannot change after creation", ResourceValidator.Knative.ValidateUpdate(before, changed).Select(e => e.ToString()));
    }

    [Fact]
    public void A_named_template_must_be_renamed_when_it_changes()
    {
        var before = ResourceSerializer.Default.ReadOne<Service>(Svc + "spec: {template: {metadata: {name: hello-v1}, spec: {containers: [{image: a}]}}}");
        var after = ResourceSerializer.Default.Clone(before);
        after.Spec.Template!.Spec!.Containers![0].Image = "b";
        Assert.Contains("spec.template.metadata.name: must change when the template changes (revision \"hello-v1\" already exists)",
            ResourceAdmission.Knative.Update(before, after).Errors.Select(e => e.ToString()));

        after.Spec.Template.Metadata!.Name = "hello-v2";
        Assert.Empty(ResourceAdmission.Knative.Update(before, after).Errors);

        var trafficOnly = ResourceSerializer.Default.Clone(before);
        trafficOnly.Spec.Traffic = [new TrafficTarget { RevisionName = "hello-v1", Percent = 100 }];
        Assert.Empty(ResourceAdmission.Knative.Update(before, trafficOnly).Errors);
    }

    [Fact]
    public void Validation_does_not_change_its_input()
    {
        var service = (Service)Manifest.Read("hello-world.yaml")[0];
        var before = ResourceSerializer.Default.ToJson(service);
        _ = ResourceValidator.Knative.Validate(service);
        Assert.Equal(before, ResourceSerializer.Default.ToJson(service));
    }

    [Fact]
    public void Limits_come_from_options()
    {
        var validator = new ResourceValidator(new ValidationOptions { MaxRevisionTimeoutSeconds = 3600 }, ResourceSerializer.Default);
        var service = ResourceSerializer.Default.ReadOne<Service>(Svc + Spec + "{timeoutSeconds: 1800, " + Ok + "}}}");
        Assert.Empty(validator.Validate(service));
        Assert.NotEmpty(ResourceValidator.Knative.Validate(service));
    }
}
