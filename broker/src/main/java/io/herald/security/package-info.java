/**
 * Who may connect: the {@link io.herald.security.Authenticator} the session consults at
 * CONNECT. Destination policies (whose patterns read destinations with routing's grammar,
 * {@link io.herald.routing.DestinationName}) and Spring Security integration live here
 * too.
 */
package io.herald.security;
