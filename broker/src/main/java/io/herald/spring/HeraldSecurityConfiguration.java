package io.herald.spring;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import io.herald.security.AccessRule;
import io.herald.security.Authenticator;
import io.herald.security.DestinationPolicy;
import io.herald.security.HeraldAuthenticator;
import io.herald.security.JwtAuthenticator;
import io.herald.security.RuleBasedDestinationPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationConverter;
import org.springframework.security.oauth2.server.resource.authentication.JwtGrantedAuthoritiesConverter;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;
import org.springframework.util.StringUtils;

/**
 * {@code herald.security.*}: the {@link Authenticator} and {@link DestinationPolicy} the
 * session core consults, and Spring Security for HTTP: the WebSocket and SockJS endpoints
 * and health are open (STOMP authenticates at CONNECT), everything else (actuator, admin)
 * needs the admin role, by HTTP Basic with a static user or by a JWT bearer token, unless
 * it comes from the machine itself and {@code herald.security.admin-from-loopback} is on
 * (the embedded default).
 */
@Configuration(proxyBeanMethods = false)
class HeraldSecurityConfiguration {

	private static final Log logger = LogFactory.getLog(HeraldSecurityConfiguration.class);

	/**
	 * The header a state-changing admin call must carry (any value), as scripts and the
	 * dashboard do: it proves the request was not forged by another site's page.
	 */
	static final String NOT_FORGED_HEADER = "X-Requested-With";

	/** What the publish API serves: it authenticates by itself. */
	private static final String[] API_PATHS = { "/api/v1/publish", "/api/v1/publish/**", "/api/v1/presence/**" };

	/**
	 * Grants a request whose client address is a loopback one: the servlet container
	 * takes it from the edge's {@code X-Forwarded-For}, which the edge sets from the
	 * socket and never passes on from a client.
	 */
	private static final AuthorizationManager<RequestAuthorizationContext> FROM_LOOPBACK = (authentication,
			context) -> new AuthorizationDecision(isLoopback(context.getRequest().getRemoteAddr()));

	private static boolean isLoopback(String address) {
		if (address == null) {
			return false;
		}
		// a literal address only: no name lookups
		return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
	}

	@Bean
	@ConditionalOnMissingBean
	static PasswordEncoder heraldPasswordEncoder() {
		return new BCryptPasswordEncoder();
	}

	@Bean
	@ConditionalOnMissingBean
	static JwtDecoder heraldJwtDecoder(HeraldProperties properties) {
		HeraldProperties.Security.Jwt jwt = properties.security().jwt();
		if (!jwt.enabled()) {
			return (token) -> {
				throw new org.springframework.security.oauth2.jwt.BadJwtException("JWT is not configured");
			};
		}
		NimbusJwtDecoder decoder = StringUtils.hasText(jwt.secret()) ? NimbusJwtDecoder
			.withSecretKey(new SecretKeySpec(jwt.secret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
			.macAlgorithm(MacAlgorithm.HS256)
			.build() : NimbusJwtDecoder.withJwkSetUri(jwt.jwksUri()).build();
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(jwt.clockSkew());
		// a token without exp would never expire: the session expiry check needs one
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		if (StringUtils.hasText(jwt.issuer())) {
			validators.add(new JwtIssuerValidator(jwt.issuer()));
		}
		if (StringUtils.hasText(jwt.audience())) {
			validators.add(new JwtAudienceValidator(jwt.audience()));
		}
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(validators));
		return decoder;
	}

	@Bean
	@ConditionalOnMissingBean
	static Authenticator heraldAuthenticator(HeraldProperties properties, PasswordEncoder passwordEncoder,
			JwtDecoder jwtDecoder) {
		HeraldProperties.Security security = properties.security();
		List<HeraldAuthenticator.StaticUser> users = security.users()
			.stream()
			.map((user) -> new HeraldAuthenticator.StaticUser(user.name(), user.bcryptHash(), Set.copyOf(user.roles())))
			.toList();
		JwtAuthenticator jwt = null;
		if (security.jwt().enabled()) {
			HeraldProperties.Security.Jwt settings = security.jwt();
			jwt = new JwtAuthenticator(jwtDecoder,
					new JwtAuthenticator.Claims(settings.userClaim(), settings.rolesClaim(), settings.grantsClaim()));
		}
		if (!security.anonymous() && users.isEmpty() && jwt == null) {
			logger.warn("herald.security.anonymous is false and no users or JWT are configured: nobody can connect");
		}
		return new HeraldAuthenticator(security.anonymous(), users, passwordEncoder, jwt);
	}

	@Bean
	@ConditionalOnMissingBean
	static DestinationPolicy heraldDestinationPolicy(HeraldProperties properties) {
		List<HeraldProperties.Security.Rule> rules = properties.security().rules();
		if (rules.isEmpty()) {
			return DestinationPolicy.ALLOW_ALL;
		}
		List<AccessRule> accessRules = rules.stream().map(HeraldProperties.Security.Rule::toAccessRule).toList();
		return new RuleBasedDestinationPolicy(accessRules);
	}

	@Bean
	@ConditionalOnMissingBean
	static UserDetailsService heraldUserDetailsService(HeraldProperties properties) {
		List<UserDetails> users = properties.security()
			.users()
			.stream()
			.map((user) -> User.withUsername(user.name())
				.password(user.bcryptHash())
				.roles(user.roles().toArray(new String[0]))
				.build())
			.toList();
		return new InMemoryUserDetailsManager(users);
	}

	/**
	 * Herald's HTTP security, two chains: the publish API's, then everything else's. An
	 * application's own {@link SecurityFilterChain} replaces both.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(SecurityFilterChain.class)
	static class HttpChains {

		/**
		 * The HTTP publish API authenticates each request itself, as a CONNECT is
		 * ({@code PublishController}): Spring Security only stays out of its way. Forgery
		 * is ruled out by its JSON-only requests, which no other site's page can make
		 * without a CORS preflight.
		 */
		@Bean
		@Order(1)
		static SecurityFilterChain heraldApiSecurity(HttpSecurity http) throws Exception {
			http.securityMatcher(API_PATHS)
				.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.requestCache((cache) -> cache.disable())
				.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
			return http.build();
		}

		@Bean
		@Order(2)
		static SecurityFilterChain heraldHttpSecurity(HttpSecurity http, HeraldProperties properties,
				ObjectProvider<JwtDecoder> jwtDecoder) throws Exception {
			HeraldProperties.WebSocket websocket = properties.websocket();
			HeraldProperties.Security security = properties.security();
			List<String> open = new ArrayList<>(
					List.of(websocket.path(), "/actuator/health", "/actuator/health/**", "/error"));
			if (properties.demo().enabled()) {
				// the demo pages and the public libraries they load (stompjs, uPlot)
				open.addAll(List.of("/demo", "/demo/**", "/webjars/**"));
			}
			String sockjs = websocket.sockjsPath();
			if (StringUtils.hasText(sockjs)) {
				open.add(sockjs);
				open.add(sockjs + "/**");
			}
			AuthorizationManager<RequestAuthorizationContext> admin = AuthorityAuthorizationManager
				.hasRole(security.adminRole());
			if (security.adminFromLoopback()) {
				admin = AuthorizationManagers.anyOf(FROM_LOOPBACK, admin);
			}
			AuthorizationManager<RequestAuthorizationContext> adminAccess = admin;
			http.authorizeHttpRequests((requests) -> requests.requestMatchers(open.toArray(new String[0]))
				.permitAll()
				.anyRequest()
				.access(adminAccess))
				// SockJS posts frames from scripts of other origins; its origins are
				// checked
				// by the handshake, and STOMP carries its own credentials
				.csrf((csrf) -> csrf.ignoringRequestMatchers(open.toArray(new String[0]))
					// a page of another origin cannot set a custom header without a CORS
					// preflight, which Herald never grants: a request carrying one is no
					// cross-site forgery, whatever credentials the browser attaches
					.ignoringRequestMatchers((request) -> request.getHeader(NOT_FORGED_HEADER) != null))
				// SockJS's iframe transports need same-origin framing
				.headers((headers) -> headers.frameOptions((frames) -> frames.sameOrigin()))
				.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
				.httpBasic(Customizer.withDefaults());
			if (security.jwt().enabled()) {
				JwtGrantedAuthoritiesConverter authorities = new JwtGrantedAuthoritiesConverter();
				authorities.setAuthoritiesClaimName(security.jwt().rolesClaim());
				authorities.setAuthorityPrefix("ROLE_");
				JwtAuthenticationConverter converter = new JwtAuthenticationConverter();
				converter.setJwtGrantedAuthoritiesConverter(authorities);
				converter.setPrincipalClaimName(security.jwt().userClaim());
				http.oauth2ResourceServer((server) -> server
					.jwt((jwt) -> jwt.decoder(jwtDecoder.getObject()).jwtAuthenticationConverter(converter)));
			}
			return http.build();
		}

	}

}
