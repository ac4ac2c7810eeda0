/**
 * Who may connect: the {@link io.herald.security.Authenticator} the session consults at
 * CONNECT. Destination policies and Spring Security integration live here too.
 */
package io.herald.security;
