import Testing

/// The endpoint suites of error paths and dataset deletion, nested here to run one test
/// at a time: a few hundred cases, each with a runtime of its own, would otherwise start
/// together and starve the timing-bound reactor tests that run in the same process (the
/// cooperative pool has as many threads as cores).
@Suite(.serialized) struct EndpointErrorSuites {}
