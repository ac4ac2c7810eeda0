/**
 * Who may connect: the {@link io.herald.security.Authenticator} the session consults at
 * CONNECT. Only credentials an authenticator checked name a user; a client that proved
 * nothing is {@link io.herald.security.Identity#anonymous() anonymous}, and the session
 * names it {@code anonymous-SESSIONID}
 * ({@link io.herald.security.Identity#anonymous(String)}), a reserved prefix no user may
 * carry, so no client can claim another's {@code /user/queue/…} or {@code x-herald-user}.
 * Destination policies (whose patterns read destinations with routing's grammar,
 * {@link io.herald.routing.DestinationName}) and Spring Security integration live here
 * too.
 */
package io.herald.security;
