using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ControlPlane.Domain.Persistence;

/// <summary>
/// One prepared INSERT for an entity type, built from the EF model: the same table, columns and value conversions
/// SaveChanges uses, without change tracking. For the few hot writers (request group commit, telemetry) where
/// tracking and SQL generation cost more than the write itself. Store-generated keys are left to the store; a shadow
/// concurrency token starts at its CLR default, as SaveChanges would insert it.
/// </summary>
public sealed class PreparedInsert<T> where T : class
{
    private static PreparedInsert<T>? _shared;

    private readonly string _sql;
    private readonly Func<T, object?>[] _values;

    /// <summary>The one instance for this entity type: the model is the same for every context of the process.</summary>
    public static PreparedInsert<T> For(IModel model) => _shared ??= new PreparedInsert<T>(model);

    public PreparedInsert(IModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd && p.ClrType != typeof(Guid)))
            .ToList();
        _values = [.. columns.Select(ValueOf)];
        var names = string.Join(", ", columns.Select(p => $"\"{p.GetColumnName(table)}\""));
        var parameters = string.Join(", ", columns.Select((_, i) => $"@p{i}"));
        _sql = $"INSERT INTO \"{table.Name}\" ({names}) VALUES ({parameters})";
    }

    /// <summary>A prepared command, reusable for every row (and, when its transaction is set each time, across transactions).</summary>
    public DbCommand Prepare(DbConnection connection, DbTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = _sql;
        for (var i = 0; i < _values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            command.Parameters.Add(parameter);
        }
        command.Prepare();
        return command;
    }

    public void Insert(DbCommand command, T row)
    {
        ArgumentNullException.ThrowIfNull(command);
        for (var i = 0; i < _values.Length; i++)
        {
            command.Parameters[i].Value = _values[i](row) ?? DBNull.Value;
        }
        command.ExecuteNonQuery();
    }

    private static Func<T, object?> ValueOf(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        if (property.IsShadowProperty())
        {
            var initial = property.ClrType.IsValueType ? Activator.CreateInstance(property.ClrType) : null;
            var stored = initial is null || converter is null ? initial : converter.ConvertToProvider(initial);
            return _ => stored;
        }
        var getter = property.GetGetter();
        return converter is null
            ? row => getter.GetClrValueUsingContainingEntity(row)
            : row => getter.GetClrValueUsingContainingEntity(row) is { } value ? converter.ConvertToProvider(value) : null;
    }
}
