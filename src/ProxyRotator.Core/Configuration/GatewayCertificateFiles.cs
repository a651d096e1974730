using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ProxyRotator.Core.Configuration;

/// <summary>Loads <c>gateway.tls</c>'s PEM files: the configuration check and the gateway's reload use the same code.</summary>
public static class GatewayCertificateFiles
{
    /// <summary>
    /// The server certificate with its private key first, then the intermediates found after it in the certificate
    /// file. The caller owns (and disposes) the certificates.
    /// </summary>
    public static bool TryLoad(string certificatePath, string keyPath, [NotNullWhen(true)] out X509Certificate2Collection? certificates, [NotNullWhen(false)] out string? error)
    {
        certificates = null;
        var all = new X509Certificate2Collection();
        try
        {
            all.ImportFromPemFile(certificatePath);
            if (all.Count == 0)
            {
                error = $"'{certificatePath}' holds no PEM certificate";
                return false;
            }

            X509Certificate2 server = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
            var result = new X509Certificate2Collection { server };
            for (int i = 1; i < all.Count; i++)
            {
                result.Add(all[i]);
            }

            all[0].Dispose();
            certificates = result;
            error = null;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            foreach (X509Certificate2 certificate in all)
            {
                certificate.Dispose();
            }

            error = $"cannot load the certificate '{certificatePath}' with the key '{keyPath}': {ex.Message}";
            return false;
        }
    }
}
