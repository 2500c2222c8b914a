using System.Data.Common;
using System.Threading.Channels;
using ControlPlane.Domain.Failovers;
using ControlPlane.Domain.Persistence;
using ControlPlane.Domain.Requests;
using ControlPlane.Domain.Telemetry;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;

namespace ControlPlane.Jobs.Requests;

/// <summary>
/// Group commit for request rows. SQLite has one writer at a time; hundreds of API calls each committing their own
/// row would queue on its lock and each pay a commit. Instead callers hand their row here and wait; one loop writes
/// everything waiting in one transaction and then releases every caller, so a reply still comes only after its row is
/// durably stored. A request's telemetry events and failover events are written in the same transaction as its row,
/// so an answered request is never stored without its timeline (and the API's telemetry does not compete with it for
/// SQLite's single writer). If a batch fails (e.g. an idempotency key raced), its rows are retried one by one so each
/// caller gets its own outcome.
/// The loop runs on a thread of its own: SQLite calls block, and on a 2-core machine a blocked pool thread is half of
/// the threads serving HTTP. New rows go through prepared INSERTs built from the EF model (<see cref="PreparedInsert{T}"/>).
/// </summary>
public sealed class RequestWriter : BackgroundService
{
    private const int MaxBatch = 512;

    private sealed record Pending(InferenceRequest Request, bool Insert, IReadOnlyList<FailoverEvent> Failovers, IReadOnlyList<TelemetryEvent> Events)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AutoResetEvent _wake = new(false);
    private readonly IDbContextFactory<ControlPlaneDbContext> _factory;
    private readonly WriteGate _gate;
    private readonly PreparedInsert<InferenceRequest> _requests;
    private readonly PreparedInsert<TelemetryEvent> _events;
    private readonly PreparedInsert<FailoverEvent> _failovers;
    private WriterSession? _session;

    public RequestWriter(IDbContextFactory<ControlPlaneDbContext> factory, WriteGate gate)
    {
        _factory = factory;
        _gate = gate;
        using var db = factory.CreateDbContext();
        _requests = PreparedInsert<InferenceRequest>.For(db.Model);
        _events = PreparedInsert<TelemetryEvent>.For(db.Model);
        _failovers = PreparedInsert<FailoverEvent>.For(db.Model);
    }

    /// <summary>
    /// Stores a new request with its telemetry (and, for a request stored once it has finished, its failovers);
    /// completes once it is committed, or throws what the database said.
    /// </summary>
    public Task InsertAsync(InferenceRequest request, IReadOnlyList<TelemetryEvent> events, IReadOnlyList<FailoverEvent>? failovers = null) =>
        Enqueue(new Pending(request, true, failovers ?? [], events));

    /// <summary>Stores a stored request's new state together with its failover and telemetry events.</summary>
    public Task UpdateAsync(InferenceRequest request, IReadOnlyList<FailoverEvent> failovers, IReadOnlyList<TelemetryEvent> events) =>
        Enqueue(new Pending(request, false, failovers, events));

    private Task Enqueue(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending))
        {
            WriteAlone(pending); // Shutting down: write directly.
        }
        else
        {
            _wake.Set();
        }
        return pending.Done.Task;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        using (stoppingToken.Register(() => _wake.Set()))
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                if (_queue.Reader.TryPeek(out _))
                {
                    Drain(batch);
                }
                else
                {
                    // A plain kernel wait: no spinning while idle, which on 2 cores would take CPU from the requests.
                    _wake.WaitOne();
                }
            }
        }
        _queue.Writer.TryComplete();
        while (_queue.Reader.TryPeek(out _))
        {
            Drain(batch);
        }
    }

    private void Drain(List<Pending> batch)
    {
        batch.Clear();
        while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
        if (batch.Count == 0)
        {
            return;
        }
        try
        {
            Save(batch);
            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception) when (batch.Count > 1)
        {
            batch.ForEach(WriteAlone);
        }
        catch (Exception ex)
        {
            batch[0].Done.TrySetException(ex);
        }
    }

    private void WriteAlone(Pending pending)
    {
        try
        {
            Save([pending]);
            pending.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    private void Save(IReadOnlyList<Pending> batch) => _gate.Run(() => SaveNow(batch));

    private void SaveNow(IReadOnlyList<Pending> batch)
    {
        try
        {
            var session = _session ??= WriterSession.Open(_factory, _requests, _events, _failovers);
            using var transaction = session.Connection.BeginTransaction();
            session.Enlist(transaction);
            foreach (var pending in batch)
            {
                if (pending.Insert)
                {
                    _requests.Insert(session.InsertRequest, pending.Request);
                }
                else
                {
                    using var db = _factory.CreateDbContext();
                    db.Database.SetDbConnection(session.Connection);
                    db.Database.UseTransaction(transaction);
                    Update(db, pending.Request);
                }
                foreach (var failover in pending.Failovers)
                {
                    _failovers.Insert(session.InsertFailover, failover);
                }
                foreach (var telemetryEvent in pending.Events)
                {
                    _events.Insert(session.InsertEvent, telemetryEvent);
                }
            }
            transaction.Commit();
        }
        catch
        {
            // Start the next batch on a fresh connection: nothing of a failed one is kept.
            _session?.Dispose();
            _session = null;
            throw;
        }
    }

    /// <summary>
    /// The writer's own connection and its INSERTs, prepared once and reused by every transaction: with a commit every
    /// few milliseconds, opening a context, a connection and three statements per commit cost more than the rows.
    /// </summary>
    private sealed class WriterSession(SqliteConnection connection, DbCommand insertRequest, DbCommand insertEvent, DbCommand insertFailover) : IDisposable
    {
        public SqliteConnection Connection => connection;
        public DbCommand InsertRequest => insertRequest;
        public DbCommand InsertEvent => insertEvent;
        public DbCommand InsertFailover => insertFailover;

        public static WriterSession Open(IDbContextFactory<ControlPlaneDbContext> factory, PreparedInsert<InferenceRequest> requests,
            PreparedInsert<TelemetryEvent> events, PreparedInsert<FailoverEvent> failovers)
        {
            using var db = factory.CreateDbContext();
            var connection = new SqliteConnection(db.Database.GetConnectionString());
            connection.Open();
            SqlitePragmas.Apply(connection);
            return new WriterSession(connection, requests.Prepare(connection, null), events.Prepare(connection, null), failovers.Prepare(connection, null));
        }

        public void Enlist(SqliteTransaction transaction)
        {
            insertRequest.Transaction = transaction;
            insertEvent.Transaction = transaction;
            insertFailover.Transaction = transaction;
        }

        public void Dispose()
        {
            insertRequest.Dispose();
            insertEvent.Dispose();
            insertFailover.Dispose();
            connection.Dispose();
        }
    }

    /// <summary>The outcome of a real-time call for a row stored before it: only the columns it changes, one UPDATE.</summary>
    private static void Update(ControlPlaneDbContext db, InferenceRequest r) =>
        db.Requests.Where(x => x.Id == r.Id).ExecuteUpdate(s => s
            .SetProperty(x => x.Status, r.Status)
            .SetProperty(x => x.StatusChangedAt, r.StatusChangedAt)
            .SetProperty(x => x.Mode, r.Mode)
            .SetProperty(x => x.Provider, r.Provider)
            .SetProperty(x => x.Model, r.Model)
            .SetProperty(x => x.Attempts, r.Attempts)
            .SetProperty(x => x.Output, r.Output)
            .SetProperty(x => x.InputTokens, r.InputTokens)
            .SetProperty(x => x.OutputTokens, r.OutputTokens)
            .SetProperty(x => x.Cost, r.Cost)
            .SetProperty(x => x.CounterfactualCost, r.CounterfactualCost)
            .SetProperty(x => x.ErrorClass, r.ErrorClass)
            .SetProperty(x => x.Error, r.Error)
            .SetProperty(x => x.CompletedAt, r.CompletedAt)
            .SetProperty(x => EF.Property<long>(x, ControlPlaneDbContext.VersionPropertyName), x => EF.Property<long>(x, ControlPlaneDbContext.VersionPropertyName) + 1));
}
