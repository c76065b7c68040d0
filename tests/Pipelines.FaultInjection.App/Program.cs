using Pipelines.Cli;

// Every verb of the Pipelines command line over the fault_fan pipeline; the fault-injection suite runs `serve`.
return await PipelinesCli.RunAsync(args);
