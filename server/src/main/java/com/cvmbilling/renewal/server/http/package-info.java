/**
 * The HTTP/JSON face of the API (issue #10): Armeria's gRPC-JSON transcoding, driven by the {@code
 * google.api.http} annotations of the protos, over the same intercepted service definitions the
 * gRPC port serves. This layer only translates (HTTP to a gRPC call and the call's status back to
 * HTTP); it decides nothing about the business and imports no service, persistence or domain class.
 */
package com.cvmbilling.renewal.server.http;
