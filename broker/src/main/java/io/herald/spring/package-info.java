/**
 * Spring Boot wiring: binds {@code herald.*} properties, builds the plain-Java broker
 * core and registers the transports. The only package besides {@code transport.*},
 * {@code admin} and {@code security} that knows Spring.
 */
package io.herald.spring;
