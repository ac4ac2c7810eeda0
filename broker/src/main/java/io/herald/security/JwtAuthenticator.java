package io.herald.security;

import io.herald.routing.DestinationPattern;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Turns a JWT bearer token into an {@link Identity}. Signature, algorithm, issuer,
 * audience and time checks are the {@link JwtDecoder}'s (Nimbus, built from
 * configuration); this class only maps claims: the user name, roles (a JSON array or a
 * space separated string) and destination grants, an object such as
 * <pre>{"subscribe": ["/topic/prices.*"], "send": ["/topic/chat.{user}"]}</pre>
 * <p>
 * Decoding runs on the caller's thread; with a JWKS URI the key set is fetched once and
 * cached by the decoder.
 */
public final class JwtAuthenticator {

	private final JwtDecoder decoder;

	private final Claims claims;

	public JwtAuthenticator(JwtDecoder decoder, Claims claims) {
		this.decoder = decoder;
		this.claims = claims;
	}

	/**
	 * @throws AuthenticationException with a message that does not say what was wrong
	 */
	public Identity authenticate(String token) throws AuthenticationException {
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtException ex) {
			throw new AuthenticationException("invalid token");
		}
		String name = jwt.getClaimAsString(this.claims.user());
		// a reserved name would share the /user/ queues of an anonymous session
		if (name == null || name.isBlank() || Identity.isReserved(name)) {
			throw new AuthenticationException("invalid token");
		}
		return new Identity(name, roles(jwt.getClaim(this.claims.roles())), grants(jwt.getClaim(this.claims.grants())),
				jwt.getExpiresAt());
	}

	private static Set<String> roles(Object claim) {
		Set<String> roles = new LinkedHashSet<>();
		if (claim instanceof String text) {
			for (String role : text.trim().split("\\s+")) {
				if (!role.isEmpty()) {
					roles.add(role);
				}
			}
		}
		else if (claim instanceof Collection<?> values) {
			values.forEach((value) -> roles.add(String.valueOf(value)));
		}
		return roles;
	}

	private static List<Grant> grants(Object claim) {
		List<Grant> grants = new ArrayList<>();
		if (claim instanceof Map<?, ?> map) {
			for (Map.Entry<?, ?> entry : map.entrySet()) {
				Action action = Action.parse(String.valueOf(entry.getKey()));
				if (action != null && entry.getValue() instanceof Collection<?> patterns) {
					for (Object pattern : patterns) {
						try {
							grants.add(new Grant(action, DestinationPattern.compile(String.valueOf(pattern))));
						}
						catch (IllegalArgumentException ex) {
							// a malformed grant grants nothing
						}
					}
				}
			}
		}
		return grants;
	}

	/**
	 * Where the identity lives in the token.
	 *
	 * @param user the claim naming the user, e.g. {@code sub}
	 * @param roles the claim holding the roles
	 * @param grants the claim holding destination grants
	 */
	public record Claims(String user, String roles, String grants) {

	}

}
