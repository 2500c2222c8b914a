using Microsoft.Extensions.Time.Testing;

namespace ControlPlane.Web.Tests.Support;

public static class TestClock
{
    /// <summary>A day on which the demo price catalogue is in force.</summary>
    public static FakeTimeProvider Create() => new(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.Zero));
}
