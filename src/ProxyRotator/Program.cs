return await ProxyRotator.ProxyRotatorCommandLine.InvokeAsync(args);
