using Hangfire.Logging;
using LogLevel = Hangfire.Logging.LogLevel;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace LandRegister.Api.Jobs;

/// <summary>
/// Hangfire's logs into the app's logging. Hangfire keeps its log provider in a process-wide static, so where several
/// apps share a process (the tests, a host restarted in place) the provider of an app that has stopped outlives its
/// logger factory; Hangfire's own provider then throws on every job it creates. This one goes silent instead.
/// </summary>
sealed class HangfireLogs(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name)
    {
        try { return new Forwarding(factory.CreateLogger(name)); }
        catch (ObjectDisposedException) { return Silent.Instance; }
    }

    sealed class Forwarding(Microsoft.Extensions.Logging.ILogger logger) : ILog
    {
        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            var level = logLevel switch
            {
                LogLevel.Trace => MsLogLevel.Trace,
                LogLevel.Debug => MsLogLevel.Debug,
                LogLevel.Info => MsLogLevel.Information,
                LogLevel.Warn => MsLogLevel.Warning,
                LogLevel.Error => MsLogLevel.Error,
                _ => MsLogLevel.Critical,
            };
            try
            {
                if (messageFunc is null || !logger.IsEnabled(level)) return logger.IsEnabled(level);
#pragma warning disable CA2254 // Hangfire hands over finished messages, not templates.
                logger.Log(level, exception, messageFunc());
#pragma warning restore CA2254
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }

    sealed class Silent : ILog
    {
        public static readonly Silent Instance = new();

        public bool Log(LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
