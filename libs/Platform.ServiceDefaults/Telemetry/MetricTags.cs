namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// Label names and values shared by every service's instruments, Knative's where Knative has them
/// (<c>namespace_name</c>, <c>response_code</c>, <c>response_code_class</c> ...). Codes are cached strings, so a
/// recording allocates none.
/// </summary>
public static class MetricTags
{
    /// <summary>Knative's label of the resource's namespace.</summary>
    public const string Namespace = "namespace_name";

    /// <summary>The HTTP status answered (or <c>0</c> when none came back).</summary>
    public const string ResponseCode = "response_code";

    /// <summary><c>2xx</c>, <c>4xx</c>, <c>5xx</c> ... of <see cref="ResponseCode"/>.</summary>
    public const string ResponseCodeClass = "response_code_class";

    private static readonly string[] Codes = Enumerable.Range(0, 600).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] Classes = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

    /// <summary>The code as a label value (cached for 0..599).</summary>
    public static string Code(int status) =>
        (uint)status < (uint)Codes.Length ? Codes[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Knative's class of a code: <c>2xx</c> ...; anything outside 100..599 is <c>5xx</c>, as Knative reports it.</summary>
    public static string CodeClass(int status) => status is >= 100 and <= 599 ? Classes[status / 100] : "5xx";
}
