using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Actors;
using Platform.Autoscaler.PodAutoscalers;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;
using Platform.ControlPlane.Hosting;

namespace Platform.Autoscaler;

/// <summary>Wiring of the autoscaler's parts.</summary>
internal static class AutoscalerServiceExtensions
{
    /// <summary>
    /// Adds the defaults (<c>Autoscaler:Defaults</c>, validated at start naming each bad key), the control-plane client
    /// (<c>ResourceStore</c> section), the PodAutoscaler follower and board (what KEDA reads), the scale target (the
    /// PodAutoscaler's status), both autoscaler hosts and the revision actor.
    /// </summary>
    public static WebApplicationBuilder AddAutoscaler(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AutoscalerDefaults>().BindConfiguration(AutoscalerDefaults.SectionName)
            .Validate(d => d.Validate().Count == 0, "invalid autoscaler defaults")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<AutoscalerDefaults>, AutoscalerDefaultsValidation>();
        services.AddOptions<AutoscalerHostOptions>().BindConfiguration(AutoscalerHostOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        builder.AddResourceStore();
        services.AddSingleton<PodAutoscalerBoard>();
        services.AddSingleton(sp => new Telemetry.AutoscalerMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), sp.GetRequiredService<PodAutoscalerBoard>()));
        services.TryAddSingleton<PodAutoscalerScaleTarget>();
        services.TryAddSingleton<IScaleTarget>(sp => sp.GetRequiredService<PodAutoscalerScaleTarget>());
        services.AddSingleton<PodAutoscalerFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<PodAutoscalerFollower>());
        services.AddSingleton<InProcessRevisionAutoscalers>();
        services.AddSingleton<IRevisionAutoscalers, AutoscalerHostRouter>();
        services.AddHostedService<AutoscalerTicker>();
        services.AddHttpClient();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
        services.AddActors(options =>
        {
            options.Actors.RegisterActor<RevisionAutoscalerActor>();
            options.UseJsonSerialization = true;
        });
        return builder;
    }

    private sealed class AutoscalerDefaultsValidation : IValidateOptions<AutoscalerDefaults>
    {
        public ValidateOptionsResult Validate(string? name, AutoscalerDefaults options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
