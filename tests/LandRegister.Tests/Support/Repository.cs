namespace LandRegister.Tests.Support;

/// <summary>The repository this test run was built from.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LandRegister.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("LandRegister.sln not found above the test binaries.");
    }
}
