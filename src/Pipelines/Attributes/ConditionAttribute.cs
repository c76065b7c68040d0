using System;

namespace Pipelines;

/// <summary>
/// Makes a task a condition (a short circuit): it returns <c>bool</c>, and <c>false</c> skips every task downstream of it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ConditionAttribute : Attribute
{
}
