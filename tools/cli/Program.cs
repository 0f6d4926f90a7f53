using System.CommandLine;

var root = new RootCommand("Platform: Knative Serving and Eventing on Dapr and KEDA.");
return root.Parse(args).Invoke();
