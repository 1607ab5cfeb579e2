namespace LandRegister.Tests.Support;

/// <summary>The read-only data beside the repository (../shared/data), or LANDREGISTER_SHARED_DATA.</summary>
public static class SharedData
{
    public static string Directory { get; } = Find();

    static string Find()
    {
        if (Environment.GetEnvironmentVariable("LANDREGISTER_SHARED_DATA") is { Length: > 0 } configured) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (System.IO.Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("../shared/data not found; set LANDREGISTER_SHARED_DATA to its path.");
    }
}
