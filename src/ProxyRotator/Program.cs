ProxyRotator.Hosting.SocketEventThreads.UseOnePerProcessor();
return await ProxyRotator.ProxyRotatorCommandLine.InvokeAsync(args);
