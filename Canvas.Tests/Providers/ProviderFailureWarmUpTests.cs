using System.Reflection;
using System.Reflection.Emit;
using Canvas.ChatApi.Generations;
using Canvas.ChatApi.Providers;
using Canvas.Tests.Infrastructure;

namespace Canvas.Tests.Providers;

/// <summary>
/// Classifying a provider failure never has to load anything from disk: at start the ChatApi classifies one failure
/// of every exception type <see cref="ProviderFailure"/> reads, so the SDKs' assemblies are loaded and the code
/// compiled before a process short of file descriptors needs them (10,000 quiet streams: the first load of
/// System.ClientModel failed mid-failure).
/// </summary>
public sealed class ProviderFailureWarmUpTests
{
    [Fact]
    public void Samples_CoverEveryExceptionTypeProviderFailureReads_OutsideTheCoreLibrary()
    {
        // Arrange: every exception type ProviderFailure's code tests for, read from its IL, except the core library's,
        // which is loaded before anything runs.
        var known = ExceptionTypesReadBy(typeof(ProviderFailure))
            .Where(type => type.Assembly != typeof(object).Assembly)
            .ToList();
        var samples = ProviderFailureWarmUp.Samples();

        // Act
        var uncovered = known
            .Where(type => !samples.Any(sample => Chain(sample.Failure).Any(type.IsInstanceOfType)))
            .Select(type => type.FullName)
            .ToList();

        // Assert: the SDKs' types are among them, so the scan sees what it must.
        Assert.Contains(known, type => type.Assembly.GetName().Name == "System.ClientModel");
        Assert.Contains(known, type => type.Assembly.GetName().Name == "Anthropic");
        Assert.Empty(uncovered);
    }

    [Fact]
    public void Samples_AreEachClassified_AndReachEveryCodeTheClassificationGives()
    {
        // Act
        var errors = ProviderFailureWarmUp.Samples()
            .Select(sample => ProviderFailure.ToErrorEvent(sample.Failure, sample.Provider, "g_test", seq: 0))
            .ToList();

        // Assert
        Assert.DoesNotContain(errors, error => error.Message.Contains("could not be read", StringComparison.Ordinal));
        Assert.Equal(
            new[] { ErrorCodes.UpstreamAuthFailed, ErrorCodes.UpstreamError, ErrorCodes.UpstreamRateLimited, ErrorCodes.UpstreamRejected, ErrorCodes.UpstreamTimeout, ErrorCodes.UpstreamUnavailable },
            errors.Select(error => error.Code).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AChatApiThatCalledNoProviderYet_HasEveryProviderSdkLoadedOnceItAnswers()
    {
        // Arrange: an Ollama endpoint only; no agent has called OpenAI or Anthropic, which would load their SDKs.
        var settings = new Dictionary<string, string>
        {
            ["Canvas:Auth:SigningKey"] = TestTokens.SigningKey,
            ["Canvas:Providers:Ollama:Endpoint"] = "http://127.0.0.1:9/",
            ["Logging:LogLevel:Default"] = "Warning",
        };

        // Act
        await using var chatApi = await ChatApiProcess.StartAsync("warm-up", settings);
        var mapped = await File.ReadAllTextAsync($"/proc/{chatApi.ProcessId}/maps");

        // Assert: an assembly .NET loaded is mapped from its file.
        Assert.Contains("/System.ClientModel.dll", mapped, StringComparison.Ordinal);
        Assert.Contains("/Anthropic.dll", mapped, StringComparison.Ordinal);
        Assert.Contains("/OllamaSharp.dll", mapped, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    /// <summary>
    /// The exception types a type's methods (and its compiler-generated closures) test for: the operands of
    /// <c>isinst</c>, <c>castclass</c> and <c>unbox.any</c>, the type arguments of generic calls (<c>OfType&lt;T&gt;</c>)
    /// and the types of catch clauses.
    /// </summary>
    private static HashSet<Type> ExceptionTypesReadBy(Type type)
    {
        var opCodes = typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (OpCode)field.GetValue(null)!)
            .ToDictionary(opCode => (ushort)opCode.Value);
        const BindingFlags all = BindingFlags.DeclaredOnly | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
        var found = new HashSet<Type>();
        foreach (var method in new[] { type }.Concat(type.GetNestedTypes(BindingFlags.NonPublic | BindingFlags.Public)).SelectMany(t => t.GetMethods(all)))
        {
            if (method.GetMethodBody() is not { } body)
            {
                continue;
            }

            found.UnionWith(body.ExceptionHandlingClauses.Where(clause => clause.Flags == ExceptionHandlingClauseOptions.Clause).Select(clause => clause.CatchType!));
            var il = body.GetILAsByteArray()!;
            for (var at = 0; at < il.Length;)
            {
                var value = il[at] == 0xFE ? (ushort)(0xFE00 | il[at + 1]) : il[at];
                var opCode = opCodes[value];
                at += opCode.Size;
                var token = opCode.OperandType is OperandType.InlineType or OperandType.InlineTok or OperandType.InlineMethod ? BitConverter.ToInt32(il, at) : 0;
                if (opCode == OpCodes.Isinst || opCode == OpCodes.Castclass || opCode == OpCodes.Unbox_Any)
                {
                    found.Add(method.Module.ResolveType(token, method.DeclaringType!.GetGenericArguments(), method.GetGenericArguments()));
                }
                else if (opCode.OperandType == OperandType.InlineMethod
                    && method.Module.ResolveMethod(token, method.DeclaringType!.GetGenericArguments(), method.GetGenericArguments()) is MethodInfo { IsGenericMethod: true } generic)
                {
                    found.UnionWith(generic.GetGenericArguments());
                }

                at += opCode.OperandType switch
                {
                    OperandType.InlineNone => 0,
                    OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                    OperandType.InlineVar => 2,
                    OperandType.InlineI8 or OperandType.InlineR => 8,
                    OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, at)),
                    _ => 4,
                };
            }
        }

        return found.Where(typeof(Exception).IsAssignableFrom).ToHashSet();
    }
}
