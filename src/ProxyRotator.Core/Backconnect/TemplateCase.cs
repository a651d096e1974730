namespace ProxyRotator.Core.Backconnect;

/// <summary>How a template writes letters of a value.</summary>
public enum TemplateCase
{
    Lower = 0,
    Upper = 1,
}
