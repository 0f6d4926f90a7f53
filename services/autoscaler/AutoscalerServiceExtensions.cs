using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Autoscaler.Actors;
using Platform.Autoscaler.Revisions;
using Platform.Autoscaler.Scaling;

namespace Platform.Autoscaler;

/// <summary>Wiring of the autoscaler's parts.</summary>
public static class AutoscalerServiceExtensions
{
    /// <summary>
    /// Adds the defaults (<c>Autoscaler:Defaults</c>, validated at start naming each bad key), the registry the KEDA
    /// scaler reads, the scale target (logging until the serving backend replaces it), both autoscaler hosts and the
    /// revision actor.
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
        services.AddSingleton<RevisionScalingRegistry>();
        services.TryAddSingleton<IScaleTarget, LoggingScaleTarget>();
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
