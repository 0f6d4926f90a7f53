using Platform.Broker.Topics;

namespace Platform.Broker.Tests.Topics;

public class TopicNamesTests
{
    public static TheoryData<string, string, string> Brokers => new()
    {
        { "default", "default", "kn-broker-default-default" },
        { "team-a", "orders", "kn-broker-team-a-orders" },
        // Upper case and dots are not allowed everywhere: replaced, with a hash of the original against collisions.
        { "default", "My.Broker", "kn-broker-default-my-broker-" },
    };

    [Theory]
    [MemberData(nameof(Brokers))]
    public void Broker_topics_are_readable_and_valid(string ns, string name, string expectedPrefix)
    {
        var topic = TopicNames.Broker(ns, name);
        Assert.StartsWith(expectedPrefix, topic);
        AssertValid(topic);
        if (expectedPrefix.EndsWith('-')) Assert.Equal(expectedPrefix.Length + 8, topic.Length);
        else Assert.Equal(expectedPrefix, topic);
    }

    [Theory]
    [InlineData("default", "t", "0f5b7c2e-1111-2222-3333-444455556666", "kn-trigger-default-t-0f5b7c2e")]
    [InlineData("ns", "my-trigger", "ABCDEF12-0000", "kn-trigger-ns-my-trigger-abcdef12")]
    public void Trigger_topics_carry_the_uid(string ns, string name, string uid, string expected) =>
        Assert.Equal(expected, TopicNames.Trigger(ns, name, uid));

    [Fact]
    public void Long_names_are_cut_to_80_with_a_hash_and_stay_distinct()
    {
        var a = TopicNames.Trigger("a-very-long-namespace-name-for-testing", new string('x', 63), "11111111-2222");
        var b = TopicNames.Trigger("a-very-long-namespace-name-for-testing", new string('x', 62) + "y", "11111111-2222");
        Assert.Equal(TopicNames.MaxLength, a.Length);
        AssertValid(a);
        AssertValid(b);
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Kinds_never_share_a_topic()
    {
        var names = new[] { TopicNames.Broker("ns", "x"), TopicNames.Channel("ns", "x"), TopicNames.Trigger("ns", "x", "12345678"), TopicNames.Subscription("ns", "x", "12345678") };
        Assert.Equal(names.Length, names.Distinct().Count());
    }

    private static void AssertValid(string topic)
    {
        Assert.True(topic.Length <= TopicNames.MaxLength, topic);
        Assert.All(topic, c => Assert.True(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-', $"'{c}' in {topic}"));
    }
}
