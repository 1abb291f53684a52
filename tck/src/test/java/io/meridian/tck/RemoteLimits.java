package io.meridian.tck;

/**
 * Why some conformance cases cannot pass over Avatica 1.28's protocol, shared by the remote variants that disable them.
 * Each reason names what was observed, so the case can be re-enabled when the remote path gains the feature.
 */
final class RemoteLimits {
  static final String NO_CANCEL_RPC = "Avatica 1.28 has no cancel request: remote Statement.cancel() only sets a "
      + "client-side flag checked between frames, so a query blocked in its ExecuteRequest runs to the end on the "
      + "server (observed: SELECT count(*) FROM slow returned 600 after cancel(), and PostgreSQL kept running it)";
  static final String NO_QUERY_TIMEOUT_IN_PROTOCOL = "Avatica 1.28's ExecuteRequest/PrepareAndExecuteRequest carry "
      + "no query timeout: setQueryTimeout(1) stays on the client and the server never stops the query (observed: "
      + "no SQLException within 30 s on SELECT count(*) FROM slow); only the server's planner.query-timeout applies";

  private RemoteLimits() {}
}
