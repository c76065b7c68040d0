namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>A fresh database on the private PostgreSQL server for one test class (an xunit class fixture), dropped after it.</summary>
public abstract class PostgresDatabase(string prefix) : IDisposable
{
    public string ConnectionString { get; } = PostgresServer.CreateDatabase(prefix);

    public void Dispose()
    {
        PostgresServer.DropDatabase(ConnectionString);
        GC.SuppressFinalize(this);
    }
}
