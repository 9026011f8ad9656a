/**
 * The Java client SDK of the renewal service: {@link com.cvmbilling.renewal.client.RenewalClient}
 * (tenant API) and {@link com.cvmbilling.renewal.client.AdminClient} (operator API), built with
 * {@link com.cvmbilling.renewal.client.ClientBuilder}. Value types are in {@code
 * com.cvmbilling.renewal.client.model}, exceptions in {@code com.cvmbilling.renewal.client.error};
 * the generated messages and stubs ({@code com.cvmbilling.renewal.v1}) stay available.
 */
package com.cvmbilling.renewal.client;
