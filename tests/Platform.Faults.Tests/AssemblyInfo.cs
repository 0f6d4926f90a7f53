// Each class starts a whole platform and kills parts of it under load on a 2-core machine: one at a time, so that
// one case's recovery is not slowed by another's.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
