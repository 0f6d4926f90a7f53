// Every class here starts a whole platform (Redis, three services, three sidecars, replicas) on a 2-core machine:
// one at a time, so that one test's load does not become another's timing flake.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
