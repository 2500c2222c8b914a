using System.Data.Common;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace ControlPlane.Jobs.Batches;

/// <summary>
/// A request as read for ingestion: its columns' values and version at that moment, so the page writes only what the
/// request's lifecycle methods changed, and only if nobody changed the row since.
/// </summary>
internal sealed record VersionedRequest(InferenceRequest Request, long Version, object?[] Original);

/// <summary>
/// Writes one ingestion page in one transaction with prepared statements bound once per row: an UPDATE of the columns
/// each settled request's lifecycle methods changed, guarded by the version it was read at exactly as SaveChanges guards
/// it, and an INSERT per telemetry event. What SaveChanges did, without its per-row cost (tracking every entity and a
/// new SQL text for each row: about 200 µs a line). Tables, column names and value conversions come from the EF model,
/// so the mapping stays in the entity configurations.
/// </summary>
internal static class IngestPageWriter
{

    /// <summary>Remembers freshly read requests' column values and versions, by request id.</summary>
    public static Dictionary<Guid, VersionedRequest> Remember(ControlPlaneDbContext db, IEnumerable<(InferenceRequest Request, long Version)> rows)
    {
        var properties = WritableProperties(db);
        return rows.ToDictionary(r => r.Request.Id, r => new VersionedRequest(r.Request, r.Version, Values(properties, r.Request)));
    }

    /// <summary>Writes the page, or writes nothing and returns false when a request's version moved since it was read.</summary>
    public static async Task<bool> TryWriteAsync(ControlPlaneDbContext db, IReadOnlyCollection<VersionedRequest> requests,
        IReadOnlyCollection<TelemetryEvent> events)
    {
        var properties = WritableProperties(db);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var dbTransaction = transaction.GetDbTransaction();
        // One prepared UPDATE per set of changed columns: a page has a handful (succeeded, failed, re-batched, ...).
        var updates = new Dictionary<long, RowStatement>();
        try
        {
            foreach (var (request, version, original) in requests)
            {
                var current = Values(properties, request);
                var changed = 0L;
                for (var i = 0; i < current.Length; i++)
                {
                    if (!Equals(original[i], current[i]))
                    {
                        changed |= 1L << i;
                    }
                }
                if (!updates.TryGetValue(changed, out var update))
                {
                    updates[changed] = update = RowStatement.Update(db, dbTransaction,
                        properties.Where((_, i) => (changed & (1L << i)) != 0).ToList());
                }
                if (await update.ExecuteAsync(request, version) != 1)
                {
                    await transaction.RollbackAsync(CancellationToken.None);
                    return false;
                }
            }
        }
        finally
        {
            foreach (var update in updates.Values)
            {
                await update.DisposeAsync();
            }
        }
        if (events.Count > 0)
        {
            var telemetry = PreparedInsert<TelemetryEvent>.For(db.Model); // as the request path writes them
            await using var insert = telemetry.Prepare(db.Database.GetDbConnection(), dbTransaction);
            foreach (var e in events)
            {
                telemetry.Insert(insert, e);
            }
        }
        await transaction.CommitAsync(CancellationToken.None);
        return true;
    }

    /// <summary>Every column a request's methods may change: all but the key and the version (written by the UPDATE itself).</summary>
    private static IProperty[] WritableProperties(ControlPlaneDbContext db)
    {
        var properties = db.Model.FindEntityType(typeof(InferenceRequest))!.GetProperties()
            .Where(p => !p.IsShadowProperty() && !p.IsPrimaryKey() && !p.IsConcurrencyToken)
            .ToArray();
        // The changed columns of a row are a bit mask.
        return properties.Length <= 64 ? properties : throw new NotSupportedException("A request has more than 64 columns.");
    }

    private static object?[] Values(IProperty[] properties, InferenceRequest request) =>
        Array.ConvertAll(properties, p => p.GetGetter().GetClrValue(request));

    /// <summary>One prepared statement with a parameter per mapped property, converted as EF converts it.</summary>
    private sealed class RowStatement(DbCommand command, (IProperty Property, RelationalTypeMapping Mapping, DbParameter Parameter)[] columns,
        DbParameter? version) : IAsyncDisposable
    {
        /// <summary>UPDATE … SET the given columns and the next version WHERE the key matches and the version is unchanged.</summary>
        public static RowStatement Update(ControlPlaneDbContext db, DbTransaction transaction, IReadOnlyList<IProperty> set)
        {
            var entity = db.Model.FindEntityType(typeof(InferenceRequest))!;
            var sql = db.GetService<ISqlGenerationHelper>();
            var command = Create(db, transaction);
            var key = entity.FindPrimaryKey()!.Properties.Single();
            var columns = Parameters(command, sql, set.Append(key));
            var versionProperty = entity.GetProperty(ControlPlaneDbContext.VersionProperty);
            var version = versionProperty.GetRelationalTypeMapping().CreateParameter(command, sql.GenerateParameterName("v"), 0L, nullable: false);
            command.Parameters.Add(version);
            var versionColumn = sql.DelimitIdentifier(versionProperty.GetColumnName());
            var v = sql.GenerateParameterNamePlaceholder("v");
            var assignments = set.Select((p, i) => $"{sql.DelimitIdentifier(p.GetColumnName())} = {Placeholder(sql, i)}").Append($"{versionColumn} = {v} + 1");
            command.CommandText = $"UPDATE {Table(entity, sql)} SET {string.Join(", ", assignments)} " +
                $"WHERE {sql.DelimitIdentifier(key.GetColumnName())} = {Placeholder(sql, set.Count)} AND {versionColumn} = {v}";
            command.Prepare();
            return new RowStatement(command, columns, version);
        }

        public Task<int> ExecuteAsync(object row, long? rowVersion = null)
        {
            foreach (var (property, mapping, parameter) in columns)
            {
                var value = property.GetGetter().GetClrValue(row);
                parameter.Value = (value is null ? null : mapping.Converter?.ConvertToProvider(value) ?? value) ?? DBNull.Value;
            }
            if (version is not null)
            {
                version.Value = rowVersion!.Value;
            }
            return command.ExecuteNonQueryAsync(CancellationToken.None);
        }

        public ValueTask DisposeAsync() => command.DisposeAsync();

        private static DbCommand Create(ControlPlaneDbContext db, DbTransaction transaction)
        {
            var command = db.Database.GetDbConnection().CreateCommand();
            command.Transaction = transaction;
            return command;
        }

        private static (IProperty, RelationalTypeMapping, DbParameter)[] Parameters(DbCommand command, ISqlGenerationHelper sql,
            IEnumerable<IProperty> properties) =>
            properties.Select((p, i) =>
            {
                var mapping = p.GetRelationalTypeMapping();
                var parameter = mapping.CreateParameter(command, sql.GenerateParameterName($"p{i}"), null, p.IsNullable);
                command.Parameters.Add(parameter);
                return (p, mapping, parameter);
            }).ToArray();

        private static string Placeholder(ISqlGenerationHelper sql, int index) => sql.GenerateParameterNamePlaceholder($"p{index}");

        private static string Table(IEntityType entity, ISqlGenerationHelper sql) =>
            sql.DelimitIdentifier(entity.GetTableName()!, entity.GetSchema());
    }
}
