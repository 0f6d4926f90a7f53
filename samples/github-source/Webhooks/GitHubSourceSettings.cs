using Platform.Sources.Sdk;

namespace GitHubSource.Webhooks;

/// <summary>
/// What this source reads besides the SDK's <c>K_SINK</c>/<c>K_CE_OVERRIDES</c>: <c>GITHUB_WEBHOOK_SECRET</c> (required:
/// an unsigned webhook endpoint would turn anyone's POST into an event) and <c>GITHUB_OWNER_AND_REPOSITORY</c>
/// (optional, <c>owner/repo</c> or <c>org</c>: fixes the events' source as Knative's GitHubSource spec does).
/// </summary>
/// <param name="Secret">The webhook's secret.</param>
/// <param name="Source">The fixed CloudEvent source, or null to take it from each payload.</param>
internal sealed record GitHubSourceSettings(string Secret, Uri? Source)
{
    /// <summary>The secret's variable.</summary>
    public const string SecretVariable = "GITHUB_WEBHOOK_SECRET";

    /// <summary>The owner/repository variable.</summary>
    public const string RepositoryVariable = "GITHUB_OWNER_AND_REPOSITORY";

    /// <summary>Reads the settings.</summary>
    /// <exception cref="SourceConfigurationException">The secret is missing, or the repository is malformed.</exception>
    public static GitHubSourceSettings Read(IConfiguration configuration)
    {
        var secret = configuration[SecretVariable];
        if (string.IsNullOrEmpty(secret))
            throw new SourceConfigurationException(SecretVariable, "is not set: give the webhook a secret in GitHub and the same value here");
        Uri? source = null;
        if (configuration[RepositoryVariable] is { Length: > 0 } repository)
        {
            var parts = repository.Trim('/').Split('/');
            if (parts.Length > 2 || parts.Any(p => p.Length == 0 || p.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))))
                throw new SourceConfigurationException(RepositoryVariable, $"\"{repository}\" must be owner/repository or an organization");
            source = GitHubEvents.SourceFor(repository);
        }
        return new GitHubSourceSettings(secret, source);
    }
}
