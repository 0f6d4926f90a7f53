using Microsoft.AspNetCore.Http;
using Platform.Activator.Forwarding;

namespace Platform.Activator.Tests.Forwarding;

public class AddressTransformerTests
{
    [Theory]
    [InlineData("the root is the address itself", "http://127.0.0.1:5300/default/default", "/", "", "http://127.0.0.1:5300/default/default")]
    [InlineData("a path goes after the address's", "http://127.0.0.1:5300/default/default", "/sub/path", "", "http://127.0.0.1:5300/default/default/sub/path")]
    [InlineData("the query is kept", "http://127.0.0.1:5300/default/default", "/", "?a=1&b=2", "http://127.0.0.1:5300/default/default?a=1&b=2")]
    [InlineData("an address without a path", "http://broker.example:8080", "/x", "", "http://broker.example:8080/x")]
    [InlineData("an address with a trailing slash", "https://h/base/", "/", "", "https://h/base")]
    public void Target(string label, string address, string path, string query, string want)
    {
        var got = AddressTransformer.Target(new Uri(address), new PathString(path), new QueryString(query.Length == 0 ? null : query));
        Assert.True(new Uri(want) == got, $"{label}: got {got}");
    }
}
