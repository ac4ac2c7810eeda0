/**
 * What operators see: broker statistics exposed as Micrometer meters (scraped through
 * Actuator's Prometheus endpoint); the admin REST API and dashboard come here too.
 */
package io.herald.admin;
