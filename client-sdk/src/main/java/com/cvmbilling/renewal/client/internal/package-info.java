/**
 * Not API: the SDK's plumbing between its own packages, which needs gRPC types. Nothing here is
 * covered by semantic versioning (see CHANGELOG.md); it may change or go in any version. Use {@link
 * com.cvmbilling.renewal.client.error.RenewalException#from(Throwable)} to translate failures of
 * your own gRPC calls.
 */
package com.cvmbilling.renewal.client.internal;
