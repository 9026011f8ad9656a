/**
 * The SDK's one exception hierarchy: {@link com.cvmbilling.renewal.client.error.RenewalException}
 * and its subclasses by status code and by error reason. All are unchecked.
 */
package com.cvmbilling.renewal.client.error;
