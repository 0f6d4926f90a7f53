using Platform.Resources.Serving;

namespace Platform.Resources.Tests.Serving;

public class RevisionNamesTests
{
    [Theory]
    [InlineData("hello", 1, "hello-00001")]
    [InlineData("hello", 42, "hello-00042")]
    [InlineData("hello", 123456, "hello-123456")]
    public void Revisions_are_named_after_the_configuration_generation(string configuration, long generation, string expected)
    {
        Assert.Equal(expected, RevisionNames.For(configuration, generation));
    }

    [Fact]
    public void A_user_chosen_name_wins()
    {
        Assert.Equal("hello-v2", RevisionNames.For("hello", 3, new RevisionTemplateSpec { Metadata = new() { Name = "hello-v2" } }));
        Assert.Equal("hello-00003", RevisionNames.For("hello", 3, new RevisionTemplateSpec()));
    }
}
