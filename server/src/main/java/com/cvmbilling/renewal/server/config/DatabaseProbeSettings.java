package com.cvmbilling.renewal.server.config;

import java.time.Duration;

/**
 * How the server waits for its database: at start-up, and while it runs (the health probe).
 * Declared with the other database flags in {@link DatabaseOptions}.
 *
 * @param startTimeout how long start-up waits for the database to accept connections
 * @param probeInterval how often health checks the database (SERVING / NOT_SERVING)
 */
public record DatabaseProbeSettings(Duration startTimeout, Duration probeInterval) {}
