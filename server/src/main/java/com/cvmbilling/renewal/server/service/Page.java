package com.cvmbilling.renewal.server.service;

import java.util.List;

/** One page of a list and the token for the next one ("" on the last page). */
public record Page<T>(List<T> items, String nextPageToken) {}
